import * as assert from "assert";
import { ExecutionOptions } from "../../handler/executor";
import { silentLogger } from "../../handler/log";
import { rebalance } from "../../handler/rebalance";
import { measureFailedRun } from "../../handler/runMetrics";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, InstanceSpec, ServiceSpec, ZONE_THEN_INSTANCE } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");

async function measure(instances: InstanceSpec[], services: ServiceSpec[], overrides: Partial<ExecutionOptions> = {}) {
  const fake = new FakeEcs(buildSnapshot(instances, services));
  const options = {
    dryRun: false,
    maxMovesPerRun: 10,
    maxMovesPerService: 5,
    maxMovesPerInstance: 3,
    now: NOW,
    log: silentLogger,
    ...overrides,
  };
  return (await rebalance(fake, CLUSTER_ARN, { ...options, surgeTimeoutSeconds: 900 })).measures;
}

const web = (spec: Partial<ServiceSpec> = {}): ServiceSpec => ({ name: "web", strategy: ZONE_THEN_INSTANCE, ...spec });
// four tasks of web in zone a, none in zone b: two must move
const PILED: InstanceSpec[] = [{ zone: "a", tasks: { web: 4 } }, { zone: "b" }];

describe("runMetrics: one run as numbers", () => {
  it("direct stops (minimumHealthyPercent 50): TasksMoved counts the tasks stopped, skew 4 → 0", async () => {
    const m = await measure(PILED, [web({ minimumHealthyPercent: 50 })]);
    assert.deepStrictEqual([m.counts.TasksMoved, m.counts.MovesPlanned, m.counts.SurgesStarted, m.counts.OutOfBalance], [2, 2, 0, 1]);
    assert.deepStrictEqual(m.services, [{ serviceName: "web", before: 4, after: 0 }]);
    assert.deepStrictEqual([m.counts.MaxSkewBefore, m.counts.MaxSkewAfter], [4, 0]);
  });

  it("a surge (minimumHealthyPercent 100) moves nothing yet: SurgesStarted 1, skew after counts the tasks it will move", async () => {
    const m = await measure(PILED, [web()]);
    assert.deepStrictEqual([m.counts.TasksMoved, m.counts.SurgesStarted], [0, 1]);
    assert.deepStrictEqual(m.services, [{ serviceName: "web", before: 4, after: 0 }]);
  });

  it("budgets: one move of two per run → MovesDeferred 1, skew after 2", async () => {
    const m = await measure(PILED, [web({ minimumHealthyPercent: 50 })], { maxMovesPerRun: 1 });
    assert.deepStrictEqual([m.counts.TasksMoved, m.counts.MovesDeferred], [1, 1]);
    assert.deepStrictEqual(m.services, [{ serviceName: "web", before: 4, after: 2 }]);
  });

  it("a dry run writes nothing, so it moves nothing: TasksMoved 0, skew after = before, MovesPlanned 2", async () => {
    const m = await measure(PILED, [web({ minimumHealthyPercent: 50 })], { dryRun: true });
    assert.deepStrictEqual([m.counts.TasksMoved, m.counts.MovesPlanned, m.counts.OutOfBalance], [0, 2, 1]);
    assert.deepStrictEqual(m.services, [{ serviceName: "web", before: 4, after: 4 }]);
  });

  it("a balanced cluster: OutOfBalance 0, nothing moved, skew 0", async () => {
    const m = await measure(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 2 } },
      ],
      [web()],
    );
    assert.deepStrictEqual([m.counts.OutOfBalance, m.counts.TasksMoved, m.counts.MaxSkewBefore], [0, 0, 0]);
  });

  it("skipped services are tallied by reason and have no skew of their own", async () => {
    const m = await measure(PILED, [web({ tags: { "ecs-rebalancer:ignore": "true" } }), { name: "daemon", schedulingStrategy: "DAEMON" }]);
    assert.deepStrictEqual(m.skippedByReason, { "ignored-by-tag": 1, "not-replica": 1 });
    assert.deepStrictEqual(m.services, []);
    assert.strictEqual(m.counts.OutOfBalance, 0);
  });

  it("the load band is the worst zone's: 4 tasks on one instance of zone a, the other zone holds one instance → 0", async () => {
    const m = await measure([{ zone: "a", tasks: { web: 4 } }, { zone: "a" }, { zone: "b" }], [web({ minimumHealthyPercent: 50 })]);
    assert.deepStrictEqual([m.counts.LoadBand, m.loadBandByZone], [4, { a: 4, b: 0 }]);
  });

  it("a failed run is RunFailures 1 and nothing else, under the cluster's name", () => {
    const m = measureFailedRun(CLUSTER_ARN);
    assert.strictEqual(m.clusterName, "demo");
    assert.deepStrictEqual(
      Object.entries(m.counts).filter(([, v]) => v !== 0),
      [["RunFailures", 1]],
    );
  });
});
