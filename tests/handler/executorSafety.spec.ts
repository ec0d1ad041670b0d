import * as assert from "assert";
import type { Task } from "@aws-sdk/client-ecs";
import { ExecutionOptions, executeWave } from "../../handler/executor";
import { silentLogger } from "../../handler/log";
import { Move, Plan, planMoves } from "../../handler/planner";
import { rebalance } from "../../handler/rebalance";
import { Snapshot } from "../../handler/snapshot";
import { formatSurge, readSurge, SURGE_TAG } from "../../handler/surgeTag";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, serviceArn, WEB_IDENTITY } from "./fixtures";

/** Whatever a tag or a plan says, the executor keeps the floor, the surge's `from` and the budgets. */
const NOW = new Date("2026-03-01T12:00:00Z");
const UNLIMITED = { maxMovesPerRun: 1000, maxMovesPerService: 1000, maxMovesPerInstance: 1000 };
const options = (overrides: Partial<ExecutionOptions> = {}): ExecutionOptions => ({
  dryRun: false,
  now: NOW,
  log: silentLogger,
  ...UNLIMITED,
  ...overrides,
});
const stopped = (fake: FakeEcs) => fake.calls.filter((c) => c.op === "stopTask").map((c) => c.args[1] as string);
const at = new Date(NOW.getTime() - 60_000);

/** A steady 4-task web, two per zone, at the given floor, carrying the given surge tag value. */
function tagged(value: string, desiredCount = 4, minimumHealthyPercent = 100): Snapshot {
  const half = desiredCount / 2;
  return buildSnapshot(
    [
      { zone: "a", tasks: { web: Math.ceil(half) } },
      { zone: "b", tasks: { web: Math.floor(half) } },
    ],
    [{ name: "web", desiredCount, minimumHealthyPercent, tags: { [SURGE_TAG]: value } }],
  );
}

describe("executor: a surge tag it did not write is never acted on", () => {
  const cases: Array<[string, Snapshot]> = [
    ["the issue's `from=0;to=4;at=…` on a steady 4-task web at 100 %", tagged(`from=0;to=4;at=${at.toISOString()}`)],
    ["`from=1 to=4 at=…` hand-written", tagged(`from=1 to=4 at=${at.toISOString()}`)],
    [
      "a 6-task service's tag `from=2 to=6` copied onto a 6-task web",
      tagged(formatSurge({ from: 2, to: 6, startedAt: at }, { serviceArn: serviceArn("big") }), 6),
    ],
    ["a valid proof for from=0 (not a surge the rebalancer makes)", tagged(formatSurge({ from: 0, to: 4, startedAt: at }, WEB_IDENTITY))],
    ["a valid proof for 2 → 6 at maximumPercent 200 (at most 4)", tagged(formatSurge({ from: 2, to: 6, startedAt: at }, WEB_IDENTITY), 6)],
  ];
  for (const [name, snapshot] of cases) {
    it(`${name}: no StopTask, the desired count kept, the tag removed, the reason reported`, async () => {
      const fake = new FakeEcs(snapshot);
      const desired = fake.serviceOf("web").desiredCount;
      const report = await rebalance(fake, CLUSTER_ARN, { ...options(), surgeTimeoutSeconds: 900 });
      assert.deepStrictEqual(stopped(fake), []);
      assert.strictEqual(fake.count("updateServiceDesiredCount"), 0);
      assert.strictEqual(fake.serviceOf("web").desiredCount, desired);
      assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
      const [action] = report.wave.actions;
      assert.strictEqual(action.kind, "forget-surge");
      assert.ok(action.detail && action.detail.length > 0);
    });
  }
});

describe("executor: checks that hold even against a wrong plan", () => {
  /** A plan that asks to complete a surge `from → to` by giving up the first `giveUp` tasks of web. */
  function completing(snapshot: Snapshot, from: number, to: number, giveUp = snapshot.tasks.length): Plan {
    const web = snapshot.services[0];
    const stop: Move[] = snapshot.tasks.slice(0, giveUp).map((t) => ({
      service: web.serviceArn!,
      serviceName: "web",
      taskArn: t.taskArn!,
      from: t.containerInstanceArn!,
      to: null,
      toGroup: [],
      pass: "spread" as const,
    }));
    const keep = snapshot.tasks.slice(giveUp).map((t) => t.taskArn!);
    return {
      clusterArn: CLUSTER_ARN,
      moves: [],
      skipped: [],
      balanced: [],
      load: { bandTasks: 0, zones: [] },
      surges: [{ kind: "complete", service: web.serviceArn!, serviceName: "web", surge: { from, to, startedAt: at }, stop, keep }],
    };
  }
  const surgedTo4 = () => tagged(formatSurge({ from: 2, to: 4, startedAt: at }, WEB_IDENTITY));
  const markUnhealthy = (tasks: Task[]) => tasks.forEach((t) => Object.assign(t, { healthStatus: "UNHEALTHY" }));

  // A surge ends by lowering the count, and ECS's scale-in stops the tasks given up: the healthy ones
  // among them must fit above the floor of `from`, or the surge waits.
  const cases: Array<[string, () => Snapshot, number, number, "completes" | "waits"]> = [
    ["complete 2 → 4 at 100 %, told to give up all 4: 4 healthy > 4 − ceil(2) = 2 → waits", surgedTo4, 100, 4, "waits"],
    ["the same at 50 %: 4 healthy > 4 − ceil(1) = 3 → waits", surgedTo4, 50, 4, "waits"],
    ["giving up 2 of 4 at 100 %: 2 ≤ 2 → completes, count back to 2", surgedTo4, 100, 2, "completes"],
    [
      "one given-up task UNHEALTHY: it is free, but 3 healthy − ceil(2) = 1 < 2 healthy given up → waits",
      () => {
        const snapshot = surgedTo4();
        markUnhealthy([snapshot.tasks[0]]);
        return snapshot;
      },
      100,
      3,
      "waits",
    ],
    [
      "a kept task UNHEALTHY: 3 healthy − ceil(2) = 1 < 2 healthy given up → waits",
      () => {
        const snapshot = surgedTo4();
        markUnhealthy([snapshot.tasks[3]]);
        return snapshot;
      },
      100,
      2,
      "waits",
    ],
  ];
  for (const [name, build, minimumHealthyPercent, giveUp, outcome] of cases) {
    it(name, async () => {
      const snapshot = build();
      snapshot.services[0].deploymentConfiguration!.minimumHealthyPercent = minimumHealthyPercent;
      const fake = new FakeEcs(snapshot);
      const report = await executeWave(fake, snapshot, completing(snapshot, 2, 4, giveUp), options());
      assert.deepStrictEqual(stopped(fake), [], "a surge never ends by StopTask");
      if (outcome === "waits") {
        assert.deepStrictEqual(fake.writes(), []);
        assert.deepStrictEqual(
          report.skipped.map((s) => s.reason),
          ["surge-in-flight"],
        );
      } else {
        assert.strictEqual(fake.serviceOf("web").desiredCount, 2, "restored to from, never below");
        assert.deepStrictEqual(
          report.actions.map((a) => a.kind),
          ["complete-surge"],
        );
      }
      assert.deepStrictEqual(report.errors, []);
    });
  }

  it("a surge larger than maxMovesPerService is forgotten: no stop, no count change", async () => {
    const snapshot = surgedTo4();
    const fake = new FakeEcs(snapshot);
    const report = await executeWave(fake, snapshot, completing(snapshot, 2, 4, 2), options({ maxMovesPerService: 1 }));
    assert.deepStrictEqual(stopped(fake), []);
    assert.strictEqual(fake.count("updateServiceDesiredCount"), 0);
    assert.deepStrictEqual(
      report.actions.map((a) => a.kind),
      ["forget-surge"],
    );
    assert.match(report.actions[0].detail ?? "", /exceeds the move budgets/);
  });

  it("a rollback stops no task by name: it restores the count to from and nothing lower", async () => {
    const snapshot = surgedTo4();
    const fake = new FakeEcs(snapshot);
    const web = snapshot.services[0];
    const plan: Plan = {
      clusterArn: CLUSTER_ARN,
      moves: [],
      skipped: [],
      balanced: [],
      load: { bandTasks: 0, zones: [] },
      surges: [
        {
          kind: "rollback",
          service: web.serviceArn!,
          serviceName: "web",
          surge: { from: 2, to: 4, startedAt: at },
          detail: "timed out",
          keep: [],
        },
      ],
    };
    await executeWave(fake, snapshot, plan, options());
    assert.deepStrictEqual(stopped(fake), []);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
  });

  it("direct stops told to stop every task at 50 %: only healthy − floor go", async () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 4 } }, { zone: "a" }], [{ name: "web", minimumHealthyPercent: 50 }]);
    const web = snapshot.services[0];
    const moves: Move[] = snapshot.tasks.map((t) => ({
      service: web.serviceArn!,
      serviceName: "web",
      taskArn: t.taskArn!,
      from: t.containerInstanceArn!,
      to: null,
      toGroup: [],
      pass: "spread" as const,
    }));
    const fake = new FakeEcs(snapshot);
    await executeWave(
      fake,
      snapshot,
      { clusterArn: CLUSTER_ARN, moves, surges: [], skipped: [], balanced: [], load: { bandTasks: 0, zones: [] } },
      options(),
    );
    assert.strictEqual(stopped(fake).length, 2);
  });

  it("control: a surge the rebalancer wrote, on a steady service, completes (gives up 1, restores 2)", async () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 1 } },
      ],
      [{ name: "web", desiredCount: 3, tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: at }, WEB_IDENTITY) } }],
    );
    const fake = new FakeEcs(snapshot);
    const report = await executeWave(fake, snapshot, planMoves(snapshot, { now: NOW, surgeTimeoutSeconds: 900 }), options());
    assert.deepStrictEqual(
      report.actions.map((a) => [a.kind, a.tasks.length]),
      [["complete-surge", 1]],
    );
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
  });
});
