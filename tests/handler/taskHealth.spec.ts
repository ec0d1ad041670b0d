import * as assert from "assert";
import type { Task } from "@aws-sdk/client-ecs";
import { deploymentBounds, isHealthy } from "../../handler/deploymentBounds";
import { silentLogger } from "../../handler/log";
import { planMoves } from "../../handler/planner";
import { rebalance } from "../../handler/rebalance";
import { Snapshot } from "../../handler/snapshot";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN } from "./fixtures";

/** ECS counts toward minimum healthy only tasks that are not UNHEALTHY; so do the planner and the executor. */
const NOW = new Date("2026-03-01T12:00:00Z");
const ONE_ZONE_BY_INSTANCE = [{ type: "spread" as const, field: "instanceId" }];

/** web on one zone, spread by instance; `health[i]` is the healthStatus of the i-th task (oldest first). */
function withHealth(counts: number[], health: Array<Task["healthStatus"]>, minimumHealthyPercent: number): Snapshot {
  const snapshot = buildSnapshot(
    counts.map((n) => ({ zone: "a", tasks: n ? { web: n } : undefined })),
    [{ name: "web", strategy: ONE_ZONE_BY_INSTANCE, minimumHealthyPercent }],
  );
  health.forEach((h, i) => Object.assign(snapshot.tasks[i], { healthStatus: h }));
  return snapshot;
}

describe("task health: what counts toward minimum healthy", () => {
  const cases: Array<[string, Partial<Task>, boolean]> = [
    ["RUNNING and HEALTHY counts", { lastStatus: "RUNNING", desiredStatus: "RUNNING", healthStatus: "HEALTHY" }, true],
    [
      "RUNNING and UNKNOWN (no health check) counts, as ECS counts it",
      { lastStatus: "RUNNING", desiredStatus: "RUNNING", healthStatus: "UNKNOWN" },
      true,
    ],
    ["RUNNING with no healthStatus counts", { lastStatus: "RUNNING", desiredStatus: "RUNNING" }, true],
    ["RUNNING and UNHEALTHY does not count", { lastStatus: "RUNNING", desiredStatus: "RUNNING", healthStatus: "UNHEALTHY" }, false],
    ["RUNNING but asked to stop does not count", { lastStatus: "RUNNING", desiredStatus: "STOPPED", healthStatus: "HEALTHY" }, false],
    ["PENDING does not count", { lastStatus: "PENDING", desiredStatus: "RUNNING" }, false],
  ];
  for (const [name, task, healthy] of cases) it(name, () => assert.strictEqual(isHealthy(task as Task), healthy));

  it("stoppable is healthy − floor: 4 tasks, 2 UNHEALTHY, at 50 % → 2 − 2 = 0", () => {
    const snapshot = withHealth([4, 0], ["UNHEALTHY", "UNHEALTHY"], 50);
    assert.strictEqual(deploymentBounds(snapshot.services[0], snapshot.tasks).stoppable, 0);
  });
});

describe("planner: a service with UNHEALTHY tasks", () => {
  const plan = (snapshot: Snapshot) => planMoves(snapshot, { now: NOW, surgeTimeoutSeconds: 900 });

  it("(4,0), the two oldest UNHEALTHY → the 2 moves stop exactly those two", () => {
    const snapshot = withHealth([4, 0], ["UNHEALTHY", "UNHEALTHY"], 50);
    const result = plan(snapshot);
    assert.deepStrictEqual(result.moves.map((m) => m.taskArn).sort(), [snapshot.tasks[0].taskArn, snapshot.tasks[1].taskArn].sort());
  });

  const skipped: Array<[string, number[], Array<Task["healthStatus"]>]> = [
    ["(4,0), one UNHEALTHY: a second move would stop a healthy task → skipped unhealthy-tasks", [4, 0], ["UNHEALTHY"]],
    ["(3,1), the UNHEALTHY task on the instance that keeps its tasks → skipped unhealthy-tasks", [1, 3], ["UNHEALTHY"]],
  ];
  for (const [name, counts, health] of skipped) {
    it(name, () => {
      const result = plan(withHealth(counts, health, 50));
      assert.deepStrictEqual(result.moves, []);
      assert.deepStrictEqual(
        result.skipped.map((s) => s.reason),
        ["unhealthy-tasks"],
      );
    });
  }

  it("control: (4,0) with every task UNKNOWN (no health check) → 2 moves, as if healthy", () => {
    const result = plan(withHealth([4, 0], ["UNKNOWN", "UNKNOWN", "UNKNOWN", "UNKNOWN"], 50));
    assert.strictEqual(result.moves.length, 2);
    assert.deepStrictEqual(result.skipped, []);
  });
});

describe("a run on the issue's cluster: 50 %, 4 RUNNING, the two oldest UNHEALTHY", () => {
  it("stops only the two UNHEALTHY tasks: both healthy ones keep running (floor 2)", async () => {
    const snapshot = withHealth([4, 0], ["UNHEALTHY", "UNHEALTHY"], 50);
    const [sick1, sick2, well1, well2] = snapshot.tasks.map((t) => t.taskArn!);
    const fake = new FakeEcs(snapshot);
    const budgets = { maxMovesPerRun: 100, maxMovesPerService: 100, maxMovesPerInstance: 100 };
    await rebalance(fake, CLUSTER_ARN, { ...budgets, dryRun: false, now: NOW, log: silentLogger, surgeTimeoutSeconds: 900 });
    const stopped = fake.calls.filter((c) => c.op === "stopTask").map((c) => c.args[1] as string);
    assert.deepStrictEqual(stopped.sort(), [sick1, sick2].sort());
    assert.ok(![well1, well2].some((t) => stopped.includes(t)));
  });
});
