import * as assert from "assert";
import type { PlacementStrategy } from "@aws-sdk/client-ecs";
import { SkipCode } from "../../handler/eligibility";
import { Plan } from "../../handler/planner";
import { Snapshot } from "../../handler/snapshot";
import { formatSurge, IGNORE_TAG, SURGE_TAG } from "../../handler/surgeTag";
import { buildSnapshot, instanceArn, ServiceSpec, WEB_IDENTITY } from "./fixtures";
import { instanceIndex as index, planEveryService } from "./plannedOutcomes";

/**
 * The planner as a whole: the reference case, why a service is skipped, and the passes in order
 * over one ledger. Each pass has its own tables: serviceSpread/ and clusterLoad/.
 */
const NOW = new Date("2026-03-01T12:00:00Z");
const TIMEOUT = 900;
const ZONE_ONLY: PlacementStrategy[] = [{ type: "spread", field: "attribute:ecs.availability-zone" }];

function plan(snapshot: Snapshot, now = NOW): Plan {
  return planEveryService(snapshot, now, TIMEOUT);
}

describe("planner: the reference case", () => {
  it("2 tasks on one of two instances in two zones, zone then instance → 1 move, loaded → empty", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]);
    const result = plan(snapshot);
    assert.strictEqual(result.moves.length, 1);
    const [move] = result.moves;
    assert.strictEqual(move.from, instanceArn(0));
    assert.strictEqual(move.to, instanceArn(1));
    assert.deepStrictEqual(move.toGroup, ["b", instanceArn(1)]);
    assert.ok(snapshot.tasks.some((t) => t.taskArn === move.taskArn && t.containerInstanceArn === instanceArn(0)));
  });
});

describe("planner: skip reasons", () => {
  /** Two tasks on one of two instances: it would move if it were eligible. */
  function base(service: Partial<ServiceSpec> = {}, counts = [2, 0]): Snapshot {
    return buildSnapshot(
      counts.map((n, i) => ({ zone: i % 2 ? "b" : "a", tasks: n ? { web: n } : undefined })),
      [{ name: "web", ...service }],
    );
  }
  const patched = (patch: ServiceSpec["patch"]) => base({ patch });
  const withSnapshot = (snapshot: Snapshot, change: (s: Snapshot) => void) => (change(snapshot), snapshot);
  const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

  const cases: Array<[string, Snapshot, SkipCode]> = [
    ["DAEMON service → not-replica", base({ schedulingStrategy: "DAEMON" }), "not-replica"],
    [
      "CODE_DEPLOY deployment controller → not-ecs-deployment-controller",
      patched({ deploymentController: { type: "CODE_DEPLOY" } }),
      "not-ecs-deployment-controller",
    ],
    [
      "EXTERNAL deployment controller → not-ecs-deployment-controller",
      patched({ deploymentController: { type: "EXTERNAL" } }),
      "not-ecs-deployment-controller",
    ],
    ["Fargate launch type → not-ec2", patched({ launchType: "FARGATE" }), "not-ec2"],
    [
      "Fargate Spot capacity provider → not-ec2",
      patched({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] }),
      "not-ec2",
    ],
    ["service DRAINING (not ACTIVE) → not-active", patched({ status: "DRAINING" }), "not-active"],
    [
      "capacity-provider service (no service launchType) whose tasks say MANAGED_INSTANCES → managed-instances",
      withSnapshot(patched({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: "mi-provider", weight: 1 }] }), (s) => {
        for (const t of s.tasks) t.launchType = "MANAGED_INSTANCES";
      }),
      "managed-instances",
    ],
    [
      "capacity-provider service whose tasks say FARGATE (provider not named FARGATE) → not-ec2",
      withSnapshot(patched({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: "my-provider", weight: 1 }] }), (s) => {
        for (const t of s.tasks) t.launchType = "FARGATE";
      }),
      "not-ec2",
    ],
    [
      "capacity-provider service with a task lacking launchType → launch-type-unknown (never guessed EC2)",
      withSnapshot(patched({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: "my-provider", weight: 1 }] }), (s) => {
        delete s.tasks[0].launchType;
      }),
      "launch-type-unknown",
    ],
    ["resourceManagementType ECS (Express service) → managed-by-ecs", patched({ resourceManagementType: "ECS" }), "managed-by-ecs"],
    [
      "AZ rebalancing ENABLED with running above desired and no surge tag → az-rebalancing-in-progress",
      base({ desiredCount: 1, patch: { availabilityZoneRebalancing: "ENABLED" } }, [2, 0]),
      "az-rebalancing-in-progress",
    ],
    [
      "AZ rebalancing ENABLED, zones uneven (2 | 0) → az-rebalancing-by-ecs (the zone move is ECS's)",
      patched({ availabilityZoneRebalancing: "ENABLED" }),
      "az-rebalancing-by-ecs",
    ],

    [
      "two deployments → deployment-in-progress",
      patched({
        deployments: [
          { id: "new", status: "PRIMARY", rolloutState: "IN_PROGRESS", desiredCount: 2, runningCount: 1 },
          { id: "old", status: "ACTIVE", rolloutState: "COMPLETED", desiredCount: 0, runningCount: 1 },
        ],
      }),
      "deployment-in-progress",
    ],
    [
      "one deployment with rolloutState IN_PROGRESS → deployment-in-progress",
      patched({ deployments: [{ id: "d", status: "PRIMARY", rolloutState: "IN_PROGRESS", desiredCount: 2, runningCount: 2 }] }),
      "deployment-in-progress",
    ],
    ["running ≠ desired → not-steady", base({ desiredCount: 3 }), "not-steady"],
    ["pending > 0 → not-steady", patched({ pendingCount: 1 }), "not-steady"],
    [
      "a listed task still PENDING → tasks-in-transition",
      withSnapshot(base(), (s) => (s.tasks[0].lastStatus = "PENDING")),
      "tasks-in-transition",
    ],
    [
      "a listed task being stopped → tasks-in-transition",
      withSnapshot(base(), (s) => (s.tasks[0].desiredStatus = "STOPPED")),
      "tasks-in-transition",
    ],
    ["a task missing from the listing → tasks-in-transition", withSnapshot(base(), (s) => s.tasks.pop()), "tasks-in-transition"],
    ["desired count 1 → desired-count-below-2", base({}, [1, 0]), "desired-count-below-2"],
    ["binpack strategy → not-spread-strategy", base({ strategy: [{ type: "binpack", field: "memory" }] }), "not-spread-strategy"],
    ["random strategy → not-spread-strategy", base({ strategy: [{ type: "random" }] }), "not-spread-strategy"],
    [
      "spread then binpack → not-spread-strategy",
      base({ strategy: [ZONE_ONLY[0], { type: "binpack", field: "cpu" }] }),
      "not-spread-strategy",
    ],
    [
      "memberOf with `or` on the service → unsupported-placement-constraint",
      base({ constraints: [{ type: "memberOf", expression: "attribute:tier == web or attribute:tier == api" }] }),
      "unsupported-placement-constraint",
    ],
    [
      "memberOf on task group (not decidable from the instance) on the task definition → unsupported-placement-constraint",
      withSnapshot(
        base(),
        (s) => (s.taskDefinitions[0].placementConstraints = [{ type: "memberOf", expression: "task:group == service:db" }]),
      ),
      "unsupported-placement-constraint",
    ],
    [`${IGNORE_TAG}=true → ignored-by-tag`, base({ tags: { [IGNORE_TAG]: "true" } }), "ignored-by-tag"],
    [
      "task definition not read → task-definition-unavailable",
      withSnapshot(base(), (s) => (s.taskDefinitions = [])),
      "task-definition-unavailable",
    ],
    [
      "a task on a DRAINING instance → tasks-on-unavailable-instance",
      buildSnapshot(
        [{ zone: "a", tasks: { web: 1 }, status: "DRAINING" }, { zone: "a", tasks: { web: 1 } }, { zone: "b" }, { zone: "b" }],
        [{ name: "web" }],
      ),
      "tasks-on-unavailable-instance",
    ],
    [
      "a surge not yet steady, within its timeout → surge-in-flight",
      base({ desiredCount: 3, tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: ago(60) }, WEB_IDENTITY) } }),
      "surge-in-flight",
    ],
    ["one eligible instance → fewer-than-2-eligible-instances", base({}, [2]), "fewer-than-2-eligible-instances"],
  ];
  for (const [name, snapshot, code] of cases) {
    it(name, () => {
      const result = plan(snapshot);
      assert.deepStrictEqual(result.moves, []);
      assert.deepStrictEqual(
        result.skipped.map((s) => [s.serviceName, s.reason]),
        [["web", code]],
      );
      // a string, not the function that builds it (eligibility.ts builds a detail only for the check that fails)
      assert.strictEqual(typeof result.skipped[0].detail, "string");
      assert.ok(result.skipped[0].detail.length > 0, "a skip says why");
    });
  }

  it(`control: the same service unskipped (or ${IGNORE_TAG}=false) → 1 move`, () => {
    assert.strictEqual(plan(base()).moves.length, 1);
    assert.strictEqual(
      plan(patched({ availabilityZoneRebalancing: "DISABLED" })).moves.length,
      1,
      "AZ rebalancing DISABLED: the zone move is ours",
    );
    assert.strictEqual(
      plan(
        withSnapshot(
          patched({ launchType: undefined, capacityProviderStrategy: [{ capacityProvider: "asg", weight: 1 }] }),
          () => undefined,
        ),
      ).moves.length,
      1,
      "capacity-provider service whose tasks say EC2 is EC2",
    );
    assert.strictEqual(plan(base({ tags: { [IGNORE_TAG]: "false" } })).moves.length, 1);
  });
});

describe("planner: the passes in order over one ledger", () => {
  const describeMoves = (result: Plan) => result.moves.map((m) => `${m.pass} ${m.serviceName} ${index(m.from)}→${index(m.to)}`);
  const FIXED: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };

  it("the load pass plans on the ledger the spread pass updated: web's spread move 0→1 leaves zone a at (2,1), in band → api is not moved", () => {
    const result = plan(
      buildSnapshot(
        [{ zone: "a", tasks: { web: 2, api: 1 } }, { zone: "a" }, { zone: "b", tasks: { web: 2, api: 2 } }],
        [{ name: "web" }, { name: "api" }],
      ),
    );
    assert.deepStrictEqual(describeMoves(result), ["spread web 0→1"]);
    const zoneA = result.load.zones.find((z) => z.zone === "a")!;
    assert.deepStrictEqual(
      zoneA.instances.map((i) => [i.before.tasks, i.after.tasks]),
      [
        [3, 2],
        [0, 1],
      ],
    );
  });

  it("control: the same loads (3,0) made of fixed tasks → the load pass moves api 0→1", () => {
    const result = plan(
      buildSnapshot(
        [{ zone: "a", tasks: { fixed: 2, api: 1 } }, { zone: "a" }, { zone: "b", tasks: { api: 2 } }],
        [FIXED, { name: "api" }],
      ),
    );
    assert.deepStrictEqual(describeMoves(result), ["load api 0→1"]);
  });
});
