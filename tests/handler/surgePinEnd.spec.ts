import * as assert from "assert";
import { executeWave } from "../../handler/executor";
import { silentLogger } from "../../handler/log";
import { planMoves, SurgeAction } from "../../handler/planner";
import { withoutDeployingServices } from "../../handler/serviceDeployments";
import { PIN_TIMEOUT_SECONDS } from "../../handler/serviceSpread/surgeEnd";
import { pinConstraint } from "../../handler/surgePin";
import { formatSurge, SURGE_TAG } from "../../handler/surgeTag";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, InstanceSpec, WEB_IDENTITY } from "./fixtures";

/**
 * A pin holds every placement of the service to one instance (surgePin.ts), so it never outstays
 * its use: a pinned surge whose task is not placed is rolled back after PIN_TIMEOUT_SECONDS (not the
 * 15-minute surge timeout), at once when the pinned instance can take no task, and a service being
 * deployed loses the pin before anything else happens to its surge.
 */
describe("a pinned surge never outstays its use", () => {
  const startedAt = new Date("2026-03-01T12:00:00Z");
  const own = { type: "memberOf" as const, expression: "attribute:tier != batch" };
  // web surged 2 → 3, pinned to instance 1; its started task is still PENDING there
  const instances: InstanceSpec[] = [
    { zone: "a", tasks: { web: 1 } },
    { zone: "a", tasks: { web: 1 } },
    { zone: "b", tasks: { web: 1 } },
  ];
  function snapshotPinnedTo(pin: string) {
    const tag = formatSurge({ from: 2, to: 3, startedAt, pin }, WEB_IDENTITY);
    const snapshot = buildSnapshot(instances, [
      { name: "web", desiredCount: 3, tags: { [SURGE_TAG]: tag }, constraints: [own, pinConstraint(pin)] },
    ]);
    const started = snapshot.tasks.find((t) => t.containerInstanceArn === snapshot.containerInstances[1].containerInstanceArn)!;
    Object.assign(started, { lastStatus: "PENDING" });
    return snapshot;
  }
  const endAt = (pin: string, seconds: number): SurgeAction | undefined =>
    planMoves(snapshotPinnedTo(pin), { now: new Date(startedAt.getTime() + seconds * 1000), surgeTimeoutSeconds: 900 }).surges[0];

  const cases: Array<[string, string, number, string | undefined]> = [
    ["the task still placing, 60 s in: the surge waits", "i-00000000000000001", 60, undefined],
    [
      `past ${PIN_TIMEOUT_SECONDS} s (the surge timeout is 900): rolled back, the pin removed`,
      "i-00000000000000001",
      PIN_TIMEOUT_SECONDS + 5,
      "rollback",
    ],
    ["the pinned instance is gone, 10 s in: rolled back at once, the pin removed", "i-00000000000000009", 10, "rollback"],
  ];
  for (const [name, pin, seconds, kind] of cases) {
    it(name, () => {
      const action = endAt(pin, seconds);
      assert.strictEqual(action?.kind, kind);
      if (action) assert.deepStrictEqual(action.restoreConstraints, [own]);
    });
  }

  it("a service being deployed: its pinned completion becomes an unpin (constraints only); an unpinned one is held back whole", async () => {
    const pinned: SurgeAction = {
      kind: "complete",
      service: "web-arn",
      serviceName: "web",
      surge: { from: 2, to: 3, startedAt, pin: "i-00000000000000001" },
      stop: [],
      keep: [],
      restoreConstraints: [own],
    };
    const plain: SurgeAction = { ...pinned, service: "api-arn", serviceName: "api", restoreConstraints: undefined };
    const plan = { clusterArn: CLUSTER_ARN, moves: [], surges: [pinned, plain], skipped: [], balanced: [], load: undefined as never };
    const deploying = new Map([
      ["web-arn", "deployment d-1 IN_PROGRESS"],
      ["api-arn", "deployment d-2 IN_PROGRESS"],
    ]);
    const held = withoutDeployingServices(plan, deploying);
    assert.deepStrictEqual(
      held.surges.map((s) => [s.kind, s.serviceName, s.restoreConstraints]),
      [["unpin", "web", [own]]],
    );
    const fake = new FakeEcs(snapshotPinnedTo("i-00000000000000001"));
    const webArn = fake.serviceOf("web").serviceArn!;
    const unpin = { ...held.surges[0], service: webArn };
    await executeWave(
      fake,
      snapshotPinnedTo("i-00000000000000001"),
      { ...held, surges: [unpin] },
      {
        dryRun: false,
        now: startedAt,
        log: silentLogger,
        maxMovesPerRun: 10,
        maxMovesPerService: 5,
        maxMovesPerInstance: 3,
      },
    );
    assert.deepStrictEqual(
      fake.writes().map((c) => c.op),
      ["updateServicePlacementConstraints"],
      "the count and the tag wait for the deployment",
    );
    assert.deepStrictEqual(fake.serviceOf("web").placementConstraints, [own]);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 3);
  });
});
