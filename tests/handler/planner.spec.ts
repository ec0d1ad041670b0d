import * as assert from "assert";
import type { PlacementStrategy } from "@aws-sdk/client-ecs";
import { SkipCode } from "../../handler/eligibility";
import { Plan, planMoves } from "../../handler/planner";
import { Snapshot } from "../../handler/snapshot";
import { formatSurge, IGNORE_TAG, SURGE_TAG } from "../../handler/surgeTag";
import { buildSnapshot, InstanceSpec, instanceArn, ServiceSpec, serviceArn, WEB_IDENTITY, ZONE_THEN_INSTANCE } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const TIMEOUT = 900;
const ZONE_ONLY: PlacementStrategy[] = [{ type: "spread", field: "attribute:ecs.availability-zone" }];
const INSTANCE_ONLY: PlacementStrategy[] = [{ type: "spread", field: "instanceId" }];

function plan(snapshot: Snapshot, now = NOW): Plan {
  const result = planMoves(snapshot, { now, surgeTimeoutSeconds: TIMEOUT });
  // every service ends in exactly one outcome
  const outcomes = [
    ...new Set(result.moves.map((m) => m.service)),
    ...result.surges.map((s) => s.service),
    ...result.skipped.map((s) => s.service),
    ...result.balanced,
  ].sort();
  assert.deepStrictEqual(outcomes, snapshot.services.map((s) => s.serviceArn!).sort(), "one outcome per service");
  return result;
}

function skipOf(result: Plan, name: string): SkipCode | undefined {
  return result.skipped.find((s) => s.serviceName === name)?.reason;
}

/** Instance index of an ARN built by the fixtures. */
function index(arn: string | null): number | null {
  return arn === null ? null : Number(arn.slice(-32));
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

describe("planner: descheduler-style counts (one zone, spread by instance)", () => {
  const cases: Array<[string, number[], number]> = [
    ["(5,3,1) on three instances → 2 moves", [5, 3, 1], 2],
    ["(2,0) on two instances → 1 move", [2, 0], 1],
    ["(1,1) on two instances → 0 moves (balanced)", [1, 1], 0],
    ["(3,3,2) on three instances → 0 moves (max−min ≤ 1)", [3, 3, 2], 0],
    ["(4,0,0,0) on four instances → 3 moves", [4, 0, 0, 0], 3],
    ["(6,6,0) on three instances → 4 moves", [6, 6, 0], 4],
  ];
  for (const [name, counts, moves] of cases) {
    it(name, () => {
      const snapshot = buildSnapshot(
        counts.map((n) => ({ zone: "a", tasks: n ? { web: n } : undefined })),
        [{ name: "web" }],
      );
      const result = plan(snapshot);
      assert.strictEqual(result.moves.length, moves);
      if (moves === 0) assert.deepStrictEqual(result.balanced, [serviceArn("web")]);
      const average = counts.reduce((a, b) => a + b, 0) / counts.length;
      for (const move of result.moves) assert.ok(counts[index(move.from)!] > average, "moves leave only instances above the average");
    });
  }

  it("zone then instance: (3,0,0 | 2,0) → 2 moves, not 3 (the zone whose extra task saves a move gets it)", () => {
    // at 50 % the moves stop first, so the whole distribution is planned in one wave (at 100 % see surgeLanding.spec.ts)
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }, { zone: "b" }],
      [{ name: "web", minimumHealthyPercent: 50 }],
    );
    const result = plan(snapshot);
    assert.strictEqual(result.moves.length, 2);
    assert.deepStrictEqual(
      result.moves.map((m) => index(m.from)),
      [0, 0],
    );
  });
});

describe("planner: a target that cannot take the task → 0 moves", () => {
  const two = (target: Partial<InstanceSpec>, services: ServiceSpec[] = [{ name: "web" }]) =>
    buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", ...target },
      ],
      services,
    );
  const cases: Array<[string, Snapshot, { skip?: SkipCode; balanced?: boolean }]> = [
    ["target DRAINING → fewer-than-2-eligible-instances", two({ status: "DRAINING" }), { skip: "fewer-than-2-eligible-instances" }],
    [
      "target agent disconnected → fewer-than-2-eligible-instances",
      two({ agentConnected: false }),
      { skip: "fewer-than-2-eligible-instances" },
    ],
    ["target without cpu for one task → balanced over what fits", two({ cpu: 100 }), { balanced: true }],
    ["target without memory for one task → balanced over what fits", two({ memory: 100 }), { balanced: true }],
    [
      "target whose static host port is in use → balanced over what fits",
      buildSnapshot(
        [
          { zone: "a", tasks: { web: 1 } },
          { zone: "a", tasks: { web: 1 } },
          { zone: "b", tasks: { blocker: 1 } },
        ],
        [
          { name: "web", hostPort: 8080 },
          { name: "blocker", hostPort: 8080, tags: { [IGNORE_TAG]: "true" } },
        ],
      ),
      { balanced: true },
    ],
  ];
  for (const [name, snapshot, expected] of cases) {
    it(name, () => {
      const result = plan(snapshot);
      assert.deepStrictEqual(result.moves, []);
      if (expected.skip) assert.strictEqual(skipOf(result, "web"), expected.skip);
      if (expected.balanced) assert.ok(result.balanced.includes(serviceArn("web")));
    });
  }

  it("control: the same static-port layout with the port free → 1 move into zone b", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 1 } }, { zone: "a", tasks: { web: 1 } }, { zone: "b" }],
      [{ name: "web", hostPort: 8080 }],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.to)),
      [2],
    );
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

describe("planner: placement constraints and strategies", () => {
  it("memberOf: an instance outside the constraint is never a target", () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 4 }, attributes: { tier: "web" } },
        { zone: "b", attributes: { tier: "batch" } },
        { zone: "b", attributes: { tier: "web" } },
        { zone: "a", attributes: { tier: "batch" } },
      ],
      [{ name: "web", constraints: [{ type: "memberOf", expression: "attribute:tier == web" }] }],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => index(m.to)),
      [2, 2],
    );
  });

  it("memberOf that leaves one instance → fewer-than-2-eligible-instances", () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 }, attributes: { tier: "web" } },
        { zone: "b", attributes: { tier: "batch" } },
      ],
      [{ name: "web", constraints: [{ type: "memberOf", expression: "attribute:tier in [web, api]" }] }],
    );
    assert.strictEqual(skipOf(plan(snapshot), "web"), "fewer-than-2-eligible-instances");
  });

  it("distinctInstance: (4,0 | 0) → 2 moves to two different instances, not 3", () => {
    const instances: InstanceSpec[] = [{ zone: "a", tasks: { web: 4 } }, { zone: "a" }, { zone: "b" }];
    // at 50 % the moves stop first: all planned in one wave
    const distinct = plan(
      buildSnapshot(instances, [{ name: "web", minimumHealthyPercent: 50, constraints: [{ type: "distinctInstance" }] }]),
    );
    assert.deepStrictEqual(distinct.moves.map((m) => index(m.to)).sort(), [1, 2]);
    assert.strictEqual(
      plan(buildSnapshot(instances, [{ name: "web", minimumHealthyPercent: 50 }])).moves.length,
      3,
      "control: without the constraint",
    );
  });

  const zoneOnly: Array<[string, PlacementStrategy[]]> = [
    ["a zone-only strategy", ZONE_ONLY],
    ["no strategy (ECS's default is zone spread)", []],
  ];
  for (const [name, strategy] of zoneOnly) {
    it(`${name}: ECS's in-zone choice is the instance with the fewest tasks, so (2,0 | 0,0) → 1 move to an instance of b`, () => {
      const snapshot = buildSnapshot(
        [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b" }, { zone: "b" }],
        [{ name: "web", strategy }],
      );
      const result = plan(snapshot);
      assert.deepStrictEqual(
        result.moves.map((m) => [index(m.from), index(m.to), m.toGroup[0]]),
        [[0, 2, "b"]],
      );
    });

    it(`${name}: balanced by zone but not within it, (2,0 | 1,1) → 1 move inside zone a`, () => {
      const snapshot = buildSnapshot(
        [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b", tasks: { web: 1 } }],
        [{ name: "web", strategy }],
      );
      assert.deepStrictEqual(
        plan(snapshot).moves.map((m) => [index(m.from), index(m.to)]),
        [[0, 1]],
      );
    });
  }

  it("instance-only strategy: zones are ignored, (2,0) in one zone → 1 move to the instance", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "a" }], [{ name: "web", strategy: INSTANCE_ONLY }]);
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.to)),
      [1],
    );
  });

  it("the surplus task leaves the instance with the most tasks in total (spread by instance)", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 2 } }, { zone: "a", tasks: { web: 2, other: 3 } }, { zone: "a" }],
      [{ name: "web" }, { name: "other", tags: { [IGNORE_TAG]: "true" } }],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.from)),
      [1],
    );
  });

  it("the surplus task leaves the instance with the most tasks in total (zone only)", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 1, other: 3 } }, { zone: "a", tasks: { web: 1 } }, { zone: "b" }, { zone: "b", tasks: { web: 0 } }],
      [
        { name: "web", strategy: ZONE_ONLY },
        { name: "other", tags: { [IGNORE_TAG]: "true" } },
      ],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => index(m.from)),
      [0],
    );
  });

  it("many empty instances: the task goes to the least busy one, even when it is last in ARN order", () => {
    // web has 2 tasks, so the planner keeps only 2 empty instances per zone in view; the least busy
    // (instance 4, no other task) must be among them although three emptier-ARN instances precede it
    const other = { name: "other", tags: { [IGNORE_TAG]: "true" } };
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { other: 3 } },
        { zone: "b", tasks: { other: 2 } },
        { zone: "b", tasks: { other: 1 } },
        { zone: "b" },
        { zone: "a", tasks: { other: 1 } },
      ],
      [{ name: "web" }, other],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 4]],
    );
  });

  it("the moved task is the youngest on its instance", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 3 } }, { zone: "b" }], [{ name: "web" }]);
    const [move] = plan(snapshot).moves;
    const youngest = [...snapshot.tasks].sort((a, b) => b.startedAt!.getTime() - a.startedAt!.getTime())[0];
    assert.strictEqual(move.taskArn, youngest.taskArn);
  });
});

describe("planner: services competing for the same free room", () => {
  it("room for one task on the target: the first service (ARN order) takes it, the second is balanced", () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { "a-web": 2, "b-web": 2 } },
        { zone: "a", cpu: 128 },
      ],
      [{ name: "a-web" }, { name: "b-web" }],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [m.serviceName, index(m.to)]),
      [["a-web", 1]],
    );
    assert.deepStrictEqual(result.balanced, [serviceArn("b-web")]);
  });

  it("zone-only additions reserve room on instances that still have it, so a later service does not count on it", () => {
    // zone b has room for exactly two tasks, one on each instance (cpu 128 each)
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { "a-web": 4, "b-web": 2 } },
        { zone: "b", cpu: 128 },
        { zone: "b", cpu: 128, memory: 256 },
      ],
      [{ name: "a-web", strategy: ZONE_ONLY }, { name: "b-web" }],
    );
    const result = plan(snapshot);
    const intoZoneB = result.moves.filter((m) => m.toGroup[0] === "b");
    assert.deepStrictEqual(
      intoZoneB.map((m) => m.serviceName),
      ["a-web", "a-web"],
    );
    assert.deepStrictEqual(result.balanced, [serviceArn("b-web")]);
  });
});

describe("planner: surges recorded on a service", () => {
  const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);
  const surged = (instances: InstanceSpec[], desiredCount: number, tag: string) =>
    buildSnapshot(instances, [{ name: "web", desiredCount, tags: { [SURGE_TAG]: tag } }]);
  const tag = (from: number, to: number, seconds = 60) => formatSurge({ from, to, startedAt: ago(seconds) }, WEB_IDENTITY);

  it("steady at the surged count → complete: stop the surplus for the original count, from the loaded instance", () => {
    // the surge from 2 to 3 placed its extra task in zone b: stop one of the two in zone a
    const result = plan(
      surged(
        [
          { zone: "a", tasks: { web: 2 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        3,
        tag(2, 3),
      ),
    );
    assert.strictEqual(result.surges.length, 1);
    const [action] = result.surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind !== "complete") return;
    assert.deepStrictEqual(action.surge.from, 2);
    assert.deepStrictEqual(
      action.stop.map((m) => [index(m.from), m.to]),
      [[0, null]],
    );
    assert.deepStrictEqual(result.moves, []);
  });

  it("complete with a surge of 2: stops exactly to − from tasks, wherever ECS put the extras", () => {
    const result = plan(
      surged(
        [
          { zone: "a", tasks: { web: 4 } },
          { zone: "b", tasks: { web: 1 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        6,
        tag(4, 6),
      ),
    );
    const [action] = result.surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind === "complete")
      assert.deepStrictEqual(
        action.stop.map((m) => index(m.from)),
        [0, 0],
      );
  });

  it("complete after the extra task was lost with its instance: stops only to − from, never below from", () => {
    // all 3 tasks ended up on one instance (the new one vanished, ECS put the extra task back here)
    // and a fresh empty instance joined: balancing fully would stop 2 and leave 1 running of 2
    const result = plan(surged([{ zone: "a", tasks: { web: 3 } }, { zone: "b" }], 3, tag(2, 3)));
    const [action] = result.surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind === "complete")
      assert.deepStrictEqual(
        action.stop.map((m) => index(m.from)),
        [0],
      );
  });

  it("complete after a surge cut short by budgets (8 → 11, extras 1 in zone a, 2 in b): stops 1 from a and 2 from b, zones stay (4 | 4), not (3 | 5)", () => {
    // the distribution of 8 still wants a move inside zone a (4,1 → 2,2): that removal is paired
    // with the addition, so the stops are the zones' net surplus
    const snapshot = surged(
      [
        { zone: "a", tasks: { web: 4 } },
        { zone: "a", tasks: { web: 1 } },
        { zone: "b", tasks: { web: 4 } },
        { zone: "b", tasks: { web: 2 } },
      ],
      11,
      tag(8, 11),
    );
    const [action] = plan(snapshot).surges;
    assert.strictEqual(action.kind, "complete");
    if (action.kind !== "complete") return;
    assert.deepStrictEqual(action.stop.map((m) => index(m.from)).sort(), [0, 2, 2]);
  });

  it("not steady after the timeout → rollback", () => {
    const result = plan(surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 3, tag(2, 3, TIMEOUT + 1)));
    assert.deepStrictEqual(
      result.surges.map((s) => s.kind),
      ["rollback"],
    );
    assert.deepStrictEqual(result.skipped, []);
  });

  it("rollback keeps (to protect) only running tasks, never the extra task that never started", () => {
    const snapshot = surged(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 1 } },
      ],
      3,
      tag(2, 3, TIMEOUT + 1),
    );
    const pending = snapshot.tasks[2];
    Object.assign(pending, { lastStatus: "PENDING" });
    const [action] = planMoves(snapshot, { now: NOW, surgeTimeoutSeconds: TIMEOUT }).surges;
    assert.strictEqual(action.kind, "rollback");
    if (action.kind === "rollback") assert.deepStrictEqual(action.keep, [snapshot.tasks[0].taskArn, snapshot.tasks[1].taskArn]);
  });

  it("not steady within the timeout → skipped surge-in-flight, no action", () => {
    const result = plan(surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 3, tag(2, 3, TIMEOUT - 1)));
    assert.deepStrictEqual(result.surges, []);
    assert.strictEqual(skipOf(result, "web"), "surge-in-flight");
  });

  it("desired count ≠ the surged count (restored, never applied, or changed by an autoscaler) → forget", () => {
    const result = plan(surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 2, tag(2, 3)));
    assert.deepStrictEqual(
      result.surges.map((s) => s.kind),
      ["forget"],
    );
  });

  // the cases: a 4-task web at a 100 % floor carrying a tag the rebalancer never wrote
  const at = ago(60).toISOString();
  const api = { serviceArn: serviceArn("api") };
  const forged: Array<[string, string, number, RegExp]> = [
    ["the old `from=0;to=4;at=…` form, hand-written", `from=0;to=4;at=${at}`, 4, /not in the form/],
    ["`from=0 to=4 at=…` with no proof", `from=0 to=4 at=${at}`, 4, /not in the form/],
    ["a proof that does not match the fields", `from=2 to=4 at=${at} proof=0123456789abcdef`, 4, /proof does not match/],
    [
      "copied from service api (its proof binds api's ARN)",
      formatSurge({ from: 2, to: 4, startedAt: ago(60) }, api),
      4,
      /proof does not match/,
    ],
    ["from=0 with a valid proof: never below 2", tag(0, 4), 4, /fewer than 2 tasks/],
    ["from=1 with a valid proof: never below 2", tag(1, 4), 4, /fewer than 2 tasks/],
    ["from=2 to=5: beyond maximumPercent 200 (at most 4)", tag(2, 5), 5, /beyond maximumPercent/],
    ["to = from", tag(3, 3), 3, /a surge raises the count/],
    ["a start an hour in the future", tag(2, 3, -3600), 3, /in the future/],
    ["an invalid date", "from=2 to=3 at=2026-13-45T99:00:00Z proof=0123456789abcdef", 3, /proof does not match|not a date/],
    ["desired count ≠ the surge's to (restored, or changed by an autoscaler)", tag(2, 3), 2, /desired count is 2/],
  ];
  for (const [name, value, desiredCount, reason] of forged) {
    it(`a tag that is not ours or does not fit (${name}) → forget, with the reason, never complete`, () => {
      const layout = [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: desiredCount - 2 } },
      ];
      const result = plan(surged(layout, desiredCount, value));
      assert.deepStrictEqual(
        result.surges.map((s) => s.kind),
        ["forget"],
      );
      const [action] = result.surges;
      assert.match(action.kind === "forget" ? action.detail : "", reason);
    });
  }
});

describe("planner: ECS's AZ rebalancing ENABLED owns the zone level", () => {
  const enabled = (strategy?: PlacementStrategy[]): ServiceSpec => ({
    name: "web",
    strategy,
    patch: { availabilityZoneRebalancing: "ENABLED" },
  });
  const zoneOf = (snapshot: Snapshot, arn: string | null) =>
    snapshot.containerInstances.find((i) => i.containerInstanceArn === arn)?.attributes?.find((a) => a.name === "ecs.availability-zone")
      ?.value;

  it("zones even (2 | 2), instances uneven within zone a (2,0) → 1 move inside zone a", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b", tasks: { web: 1 } }],
      [enabled()],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 1]],
    );
  });
  it("zones within one (3 | 2), instances uneven in both, at 100 % (moves are surges) → only zone b's move: ECS gives a surge's extra task to the emptiest zone, b", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }, { zone: "b" }],
      [enabled()],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => zoneOf(snapshot, m.from)),
      ["b"],
    );
  });
  it("(3,0 | 1,1) with only zone a uneven, at 100 % → one relocation: the extra task lands in b (ECS's choice), a task leaves a's 3; zones stay within one", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b", tasks: { web: 1 } }],
      [enabled()],
    );
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [index(m.from), m.to, m.toGroup]),
      [[0, null, ["b"]]],
    );
  });
  it("(2,0 | 1) at 100 % → no move, skipped surge-cannot-land: the extra task would land in b and a relocation there evens nothing (2 → 1 against 1 → 2)", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }], [enabled()]);
    const result = plan(snapshot);
    assert.deepStrictEqual(result.moves, []);
    assert.deepStrictEqual(
      result.skipped.map((s) => s.reason),
      ["surge-cannot-land"],
    );
  });
  it("zones within one (3 | 2) with instances uneven in both zones, at 50 % (moves stop first) → moves stay in their zone, no zone count changes", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }, { zone: "b" }],
      [{ ...enabled(), minimumHealthyPercent: 50 }],
    );
    const result = plan(snapshot);
    assert.strictEqual(result.moves.length, 3);
    for (const move of result.moves)
      assert.strictEqual(zoneOf(snapshot, move.from), zoneOf(snapshot, move.to), "a move never crosses zones");
    assert.strictEqual(result.moves.filter((m) => zoneOf(snapshot, m.from) === "a").length, 2);
  });
  it("control: the same cluster with AZ rebalancing DISABLED moves a task between zones", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "b", tasks: { web: 1 } }, { zone: "b" }],
      [{ name: "web" }],
    );
    const result = plan(snapshot);
    assert.ok(result.moves.some((m) => zoneOf(snapshot, m.from) !== zoneOf(snapshot, m.to)));
  });
  it("zone uneven but the other zone has no room → not ECS's to fix: within-zone balance goes on", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 3 } }, { zone: "a" }, { zone: "b", cpu: 64 }], [enabled()]);
    const result = plan(snapshot);
    assert.deepStrictEqual(
      result.moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 1]],
    );
  });
  it("zone-only strategy, zones even, (2,0) inside zone a → 1 move inside a (ECS's rebalancing never looks inside a zone; its placement there is documented: the fewest tasks of the service)", () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { web: 2 } }, { zone: "a" }, { zone: "b", tasks: { web: 2 } }],
      [enabled(ZONE_ONLY)],
    );
    assert.deepStrictEqual(
      plan(snapshot).moves.map((m) => [index(m.from), index(m.to)]),
      [[0, 1]],
    );
  });
  const incompatible: Array<[string, Partial<ServiceSpec>]> = [
    ["maximumPercent 100 (ECS cannot start before it stops)", { maximumPercent: 100, minimumHealthyPercent: 50 }],
    [
      "a placement constraint on the zone",
      { constraints: [{ type: "memberOf", expression: "attribute:ecs.availability-zone in [a, b]" }] },
    ],
  ];
  for (const [name, spec] of incompatible) {
    it(`ENABLED but ${name}: ECS does not rebalance it, so the zone move is ours`, () => {
      const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ ...enabled(), ...spec }]);
      const result = plan(snapshot);
      assert.strictEqual(result.moves.length, 1, JSON.stringify(result.skipped));
      assert.notStrictEqual(zoneOf(snapshot, result.moves[0].from), zoneOf(snapshot, result.moves[0].to));
    });
  }

  it("instance-only strategy is not compatible with ECS's rebalancing: ENABLED or not, the move is ours", () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [enabled(INSTANCE_ONLY)]);
    assert.strictEqual(plan(snapshot).moves.length, 1);
  });
});
