import * as assert from "assert";
import { ExecutionOptions, executeWave } from "../../handler/executor";
import { silentLogger } from "../../handler/log";
import { Plan, planMoves } from "../../handler/planner";
import { rebalance, RebalanceReport } from "../../handler/rebalance";
import { Snapshot } from "../../handler/snapshot";
import { formatSurge, readSurge, Surge, SURGE_TAG, taskId } from "../../handler/surgeTag";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, InstanceSpec, instanceArn, ServiceSpec, serviceArn, WEB_IDENTITY } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const TIMEOUT = 900;
const UNLIMITED = { maxMovesPerRun: 1000, maxMovesPerService: 1000, maxMovesPerInstance: 1000 };

function options(overrides: Partial<ExecutionOptions> = {}): ExecutionOptions {
  return { dryRun: false, now: NOW, log: silentLogger, ...UNLIMITED, ...overrides };
}

function planOf(snapshot: Snapshot, now = NOW): Plan {
  return planMoves(snapshot, { now, surgeTimeoutSeconds: TIMEOUT });
}

/** Plans the fixture snapshot and executes one wave against a fake holding the same cluster. */
async function wave(snapshot: Snapshot, overrides: Partial<ExecutionOptions> = {}, prepare?: (fake: FakeEcs) => void) {
  const fake = new FakeEcs(snapshot);
  prepare?.(fake);
  const plan = planOf(snapshot);
  const report = await executeWave(fake, snapshot, plan, options(overrides));
  return { fake, plan, report };
}

async function run(fake: FakeEcs, now: Date, overrides: Partial<ExecutionOptions> = {}): Promise<RebalanceReport> {
  return rebalance(fake, CLUSTER_ARN, { ...options(overrides), now, surgeTimeoutSeconds: TIMEOUT });
}

const stopped = (fake: FakeEcs) => fake.calls.filter((c) => c.op === "stopTask").map((c) => c.args[1] as string);
const ops = (fake: FakeEcs) => fake.writes().map((c) => c.op);
const oneZone = (counts: number[]): InstanceSpec[] => counts.map((n) => ({ zone: "a", tasks: n ? { web: n } : undefined }));
const web = (spec: Partial<ServiceSpec> = {}): ServiceSpec => ({ name: "web", ...spec });

describe("executor: direct stops when minimumHealthyPercent leaves room", () => {
  const cases: Array<[string, number[], number, number]> = [
    ["(6,0,0) at 50%: 4 moves, stoppable 6 − ceil(3) = 3 → 3 stops, 1 deferred", [6, 0, 0], 50, 3],
    ["(6,0,0) at 0%: 4 moves, stoppable 6 → 4 stops", [6, 0, 0], 0, 4],
    ["(5,3,1) at 75%: 2 moves, stoppable 9 − ceil(6.75) = 2 → 2 stops", [5, 3, 1], 75, 2],
    ["(4,0,0,0) at 80%: 3 moves, stoppable 4 − ceil(3.2) = 0 → no stop (surges instead)", [4, 0, 0, 0], 80, 0],
  ];
  for (const [name, counts, minimumHealthyPercent, stops] of cases) {
    it(name, async () => {
      const snapshot = buildSnapshot(oneZone(counts), [web({ minimumHealthyPercent })]);
      const { fake, plan, report } = await wave(snapshot);
      const desired = counts.reduce((a, b) => a + b, 0);
      assert.ok(stops <= desired - Math.ceil((desired * minimumHealthyPercent) / 100));
      assert.deepStrictEqual(
        stopped(fake),
        plan.moves.slice(0, stops).map((m) => m.taskArn),
        "the plan's first moves, in order",
      );
      if (stops > 0) assert.strictEqual(report.deferred, plan.moves.length - stops);
      assert.deepStrictEqual(report.errors, []);
    });
  }
});

describe("executor: surge when minimumHealthyPercent is 100", () => {
  const cases: Array<[string, number[], number, number]> = [
    ["reference (2 | 0) at 100/200: 1 move → desired 2 → 3", [2, 0], 200, 3],
    ["(6,0,0) at 100/150: 4 moves, surgeable 9 − 6 = 3 → desired 6 → 9", [6, 0, 0], 150, 9],
    ["(6,0,0) at 100/120: 4 moves, surgeable 7 − 6 = 1 → desired 6 → 7", [6, 0, 0], 120, 7],
  ];
  for (const [name, counts, maximumPercent, raisedTo] of cases) {
    it(name, async () => {
      const instances = counts.map((n, i) => ({ zone: counts.length === 2 ? "ab"[i] : "a", tasks: n ? { web: n } : undefined }));
      const { fake, report } = await wave(buildSnapshot(instances, [web({ maximumPercent })]));
      const desired = counts.reduce((a, b) => a + b, 0);
      assert.ok(raisedTo - desired <= Math.floor((desired * maximumPercent) / 100) - desired);
      assert.deepStrictEqual(ops(fake), ["tagResource", "updateServiceDesiredCount"], "the tag is written before the count");
      assert.strictEqual(fake.serviceOf("web").desiredCount, raisedTo);
      const { give, ...surge } = readSurge(fake.serviceOf("web")) as Surge;
      assert.deepStrictEqual(surge, { from: desired, to: raisedTo, startedAt: NOW });
      // the tasks the surge's moves take away, for the completion to stop (on the first instance, which holds them all)
      const onFirst = fake
        .runningTasks("web")
        .filter((t) => t.containerInstanceArn === instanceArn(0))
        .map((t) => taskId(t.taskArn!));
      assert.strictEqual(give?.length, raisedTo - desired);
      assert.ok(
        give!.every((id) => onFirst.includes(id)),
        `${give} on the first instance`,
      );
      assert.deepStrictEqual(stopped(fake), [], "no task is stopped before its replacement runs");
      assert.deepStrictEqual(
        report.actions.map((a) => [a.kind, a.desiredCount]),
        [["surge", raisedTo]],
      );
    });
  }

  it("100/100 → skipped no-room-to-move, every move deferred, no write", async () => {
    const { fake, plan, report } = await wave(buildSnapshot(oneZone([6, 0, 0]), [web({ maximumPercent: 100 })]));
    assert.deepStrictEqual(
      report.skipped.map((s) => s.reason),
      ["no-room-to-move"],
    );
    assert.strictEqual(report.deferred, plan.moves.length);
    assert.deepStrictEqual(fake.writes(), []);
  });
});

describe("executor: budgets", () => {
  // two services, each (4,0,0,0) at 0%: 3 direct stops each, all from instance 0
  const snapshot = () =>
    buildSnapshot(
      [{ zone: "a", tasks: { api: 4, web: 4 } }, { zone: "a" }, { zone: "a" }, { zone: "a" }],
      [
        { name: "api", minimumHealthyPercent: 0 },
        { name: "web", minimumHealthyPercent: 0 },
      ],
    );
  const cases: Array<[string, Partial<ExecutionOptions>, number]> = [
    ["maxMovesPerRun 2 → 2 stops, 4 deferred", { maxMovesPerRun: 2 }, 2],
    ["maxMovesPerService 1 → 1 stop per service, 4 deferred", { maxMovesPerService: 1 }, 2],
    ["maxMovesPerInstance 4 → 4 stops from instance 0, 2 deferred", { maxMovesPerInstance: 4 }, 4],
    ["no budget binding → all 6 stops", {}, 6],
  ];
  for (const [name, budgets, stops] of cases) {
    it(name, async () => {
      const { fake, plan, report } = await wave(snapshot(), budgets);
      assert.strictEqual(plan.moves.length, 6);
      assert.strictEqual(stopped(fake).length, stops);
      assert.strictEqual(report.deferred, 6 - stops);
      const perService = new Map<string, number>();
      for (const task of stopped(fake)) {
        const service = plan.moves.find((m) => m.taskArn === task)!.service;
        perService.set(service, (perService.get(service) ?? 0) + 1);
      }
      for (const count of perService.values()) assert.ok(count <= (budgets.maxMovesPerService ?? Infinity));
    });
  }
});

/**
 * Moves that land only together (Move.withNext) under a budget that would split them: api and web
 * each need a move in both of their tied zones (4 tasks each; api a (3,1,0), web a (1,3,0), both b
 * (4,0,0)), planned as one surge of two per service. Both b moves come from instance 3; api's a
 * move from instance 0, web's from instance 1, so a per-move budget would let web's a move go alone.
 */
describe("executor: a budget takes moves that land together whole", () => {
  const tied = (): Snapshot =>
    buildSnapshot(
      [
        { zone: "a", tasks: { api: 3, web: 1 } },
        { zone: "a", tasks: { api: 1, web: 3 } },
        { zone: "a" },
        { zone: "b", tasks: { api: 4, web: 4 } },
        { zone: "b" },
        { zone: "b" },
      ],
      [{ name: "api" }, { name: "web" }],
    );
  const desired = (fake: FakeEcs, name: string) => fake.serviceOf(name).desiredCount;

  it("one stop per instance: the first service's pair surges (+2), the second's waits whole instead of surging +1 into tied zones", async () => {
    const { fake, plan, report } = await wave(tied(), { maxMovesPerInstance: 1 });
    const marks = plan.moves.map((m) => `${m.serviceName}${m.withNext ? "+" : ""}`);
    assert.deepStrictEqual(marks, ["api+", "api", "web+", "web"], "each service's pair, marked");
    assert.strictEqual(desired(fake, "api"), 10);
    assert.strictEqual(desired(fake, "web"), 8, "web untouched: its b move's source, instance 3, is at its budget");
    assert.strictEqual(report.deferred, 2);
  });

  it("control: with room on instance 3, both pairs surge (+2 each)", async () => {
    const { fake, report } = await wave(tied(), { maxMovesPerInstance: 2 });
    assert.strictEqual(desired(fake, "api"), 10);
    assert.strictEqual(desired(fake, "web"), 10);
    assert.strictEqual(report.deferred, 0);
  });
});

describe("executor: dry run", () => {
  const cases: Array<[string, Snapshot]> = [
    ["direct stops", buildSnapshot(oneZone([4, 0]), [web({ minimumHealthyPercent: 50 })])],
    ["a surge", buildSnapshot(oneZone([4, 0]), [web()])],
    [
      "a surge completion",
      buildSnapshot(
        [
          { zone: "a", tasks: { web: 2 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        [web({ desiredCount: 3, tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: NOW }, WEB_IDENTITY) } })],
      ),
    ],
  ];
  for (const [name, snapshot] of cases) {
    it(`${name}: reported, but not one write call`, async () => {
      const { fake, report } = await wave(snapshot, { dryRun: true });
      assert.strictEqual(report.dryRun, true);
      assert.strictEqual(report.actions.length, 1);
      assert.deepStrictEqual(fake.writes(), []);
    });
  }
});

describe("executor: finishing a surge", () => {
  const surged = (instances: InstanceSpec[], desiredCount: number, from: number, startedAt = NOW) =>
    buildSnapshot(instances, [
      web({ desiredCount, tags: { [SURGE_TAG]: formatSurge({ from, to: desiredCount, startedAt }, WEB_IDENTITY) } }),
    ]);

  const protections = (fake: FakeEcs) =>
    fake.calls.filter((c) => c.op === "updateTaskProtection").map((c) => [c.args[2], (c.args[1] as string[]).length]);

  it("complete: unprotects the planned task, protects the kept ones, restores desired, untags; ECS's scale-in stops exactly the planned task", async () => {
    const { fake, plan, report } = await wave(
      surged(
        [
          { zone: "a", tasks: { web: 2 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        3,
        2,
      ),
    );
    const action = plan.surges[0];
    assert.strictEqual(action.kind, "complete");
    const planned = action.kind === "complete" ? action.stop.map((m) => m.taskArn) : [];
    assert.strictEqual(planned.length, 1);
    assert.deepStrictEqual(ops(fake), ["updateTaskProtection", "updateTaskProtection", "updateServiceDesiredCount", "untagResource"]);
    assert.deepStrictEqual(protections(fake), [
      [false, 1],
      [true, 2],
    ]);
    assert.deepStrictEqual(stopped(fake), [], "no task is stopped by name");
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
    assert.deepStrictEqual(report.errors, []);
    fake.advance(); // the service scheduler's scale-in, whichever task its own rule would pick
    assert.deepStrictEqual(
      fake.state.tasks.filter((t) => t.lastStatus === "STOPPED").map((t) => t.taskArn),
      planned,
    );
  });

  it("complete on 12 kept tasks: protection in batches of at most 10 (ECS's limit)", async () => {
    const { fake } = await wave(
      surged(
        [
          { zone: "a", tasks: { web: 7 } },
          { zone: "b", tasks: { web: 6 } },
        ],
        13,
        12,
      ),
    );
    assert.deepStrictEqual(protections(fake), [
      [false, 1],
      [true, 10],
      [true, 2],
    ]);
  });

  it("rollback after the timeout with no extra task placed: protects the running tasks, restores desired, untags, stops nothing", async () => {
    const startedAt = new Date(NOW.getTime() - (TIMEOUT + 60) * 1000);
    const { fake } = await wave(surged([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], 3, 2, startedAt));
    assert.deepStrictEqual(ops(fake), ["updateTaskProtection", "updateServiceDesiredCount", "untagResource"]);
    assert.deepStrictEqual(stopped(fake), []);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
  });

  it("rollback with the extra task stuck PENDING: only the running tasks are protected, so scale-in can only take the PENDING one", async () => {
    const startedAt = new Date(NOW.getTime() - (TIMEOUT + 60) * 1000);
    const snapshot = surged(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 1 } },
      ],
      3,
      2,
      startedAt,
    );
    const pending = snapshot.tasks.find((t) => t.containerInstanceArn === snapshot.containerInstances[1].containerInstanceArn)!;
    Object.assign(pending, { lastStatus: "PENDING" });
    const { fake } = await wave(snapshot);
    assert.deepStrictEqual(ops(fake), ["updateTaskProtection", "updateServiceDesiredCount", "untagResource"]);
    assert.deepStrictEqual(
      [...fake.protectedTasks].sort(),
      snapshot.tasks
        .filter((t) => t !== pending)
        .map((t) => t.taskArn)
        .sort(),
    );
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
  });

  it("forget (desired count changed by someone else): untags only, leaves the count alone", async () => {
    const snapshot = buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 2 } },
      ],
      [web({ tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: NOW }, WEB_IDENTITY) } })],
    );
    const { fake } = await wave(snapshot);
    assert.deepStrictEqual(ops(fake), ["untagResource"]);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 4);
  });
});

describe("executor: failures while writing", () => {
  it("throttling on one service's StopTask is reported, and the other services are still processed", async () => {
    const snapshot = buildSnapshot(
      [{ zone: "a", tasks: { api: 2, web: 2 } }, { zone: "a" }],
      [
        { name: "api", minimumHealthyPercent: 0 },
        { name: "web", minimumHealthyPercent: 0 },
      ],
    );
    const { fake, plan, report } = await wave(snapshot, {}, (f) =>
      f.throttle("stopTask", { when: (args) => snapshot.tasks.find((t) => t.taskArn === args[1])?.group === "service:api" }),
    );
    assert.deepStrictEqual(
      report.errors.map((e) => [e.service, /ThrottlingException/.test(e.message)]),
      [[serviceArn("api"), true]],
    );
    const webMove = plan.moves.find((m) => m.serviceName === "web")!;
    assert.strictEqual(fake.state.tasks.find((t) => t.taskArn === webMove.taskArn)!.lastStatus, "STOPPED");
  });

  it("throttling on the surge's UpdateService is reported; the tag is left for the next run to forget", async () => {
    const { fake, report } = await wave(buildSnapshot(oneZone([2, 0]), [web()]), {}, (f) => f.throttle("updateServiceDesiredCount"));
    assert.strictEqual(report.errors.length, 1);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
    assert.notStrictEqual(readSurge(fake.serviceOf("web")), undefined);
  });

  it("the source instance vanished between snapshot and write: StopTask finds no task, which counts as done", async () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [web({ minimumHealthyPercent: 50 })]);
    const { fake, report } = await wave(snapshot, {}, (f) => f.removeInstance(instanceArn(0)));
    assert.strictEqual(stopped(fake).length, 1);
    assert.deepStrictEqual(report.errors, []);
    assert.deepStrictEqual(
      report.actions.map((a) => a.kind),
      ["stop"],
    );
  });

  it("StopTask on a task that already stopped: no error, like ECS", async () => {
    const snapshot = buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [web({ minimumHealthyPercent: 50 })]);
    const { fake, report } = await wave(snapshot, {}, (f) => f.state.tasks.forEach((t) => (t.lastStatus = "STOPPED")));
    assert.strictEqual(stopped(fake).length, 1);
    assert.deepStrictEqual(report.errors, []);
  });

  it("a persistent `failures` entry for a service: it is never acted on", async () => {
    const fake = new FakeEcs(buildSnapshot(oneZone([4, 0]), [web({ minimumHealthyPercent: 50 })]));
    fake.failDescribe(serviceArn("web"), { times: Infinity });
    const report = await run(fake, NOW);
    assert.strictEqual(report.describeFailures, 1);
    assert.deepStrictEqual(fake.writes(), []);
  });

  it("a persistent `failures` entry for one of its tasks: skipped tasks-in-transition, never acted on", async () => {
    const snapshot = buildSnapshot(oneZone([4, 0]), [web({ minimumHealthyPercent: 50 })]);
    const fake = new FakeEcs(snapshot);
    fake.failDescribe(snapshot.tasks[0].taskArn!, { times: Infinity });
    const report = await run(fake, NOW);
    assert.deepStrictEqual(
      report.plan.skipped.map((s) => s.reason),
      ["tasks-in-transition"],
    );
    assert.deepStrictEqual(fake.writes(), []);
  });
});

describe("executor: a surge interrupted midway never leaves desiredCount raised", () => {
  const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

  it("the run dies after tagging (UpdateService fails): the next run forgets the tag, the count was never raised", async () => {
    const fake = new FakeEcs(buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [web()]));
    fake.fail("updateServiceDesiredCount", "ServiceUnavailableException");
    await run(fake, NOW);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
    const second = await run(fake, later(60));
    assert.deepStrictEqual(
      second.wave.actions.map((a) => a.kind),
      ["forget-surge"],
    );
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
    const third = await run(fake, later(120));
    assert.deepStrictEqual(
      third.wave.actions.map((a) => a.kind),
      ["surge"],
      "and the move is tried afresh",
    );
  });

  const surgedTo3 = () =>
    new FakeEcs(
      buildSnapshot(
        [
          { zone: "a", tasks: { web: 2 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        [web({ desiredCount: 3, tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: NOW }, WEB_IDENTITY) } })],
      ),
    );

  it("the run dies after protecting, before UpdateService: nothing was stopped, the next run completes it", async () => {
    const fake = surgedTo3();
    fake.fail("updateServiceDesiredCount", "ServiceUnavailableException");
    const first = await run(fake, later(60));
    assert.strictEqual(first.wave.errors.length, 1);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 3);
    fake.advance();
    assert.strictEqual(fake.runningTasks("web").length, 3, "still 3 running: no task was stopped");
    await run(fake, later(120));
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
    fake.advance();
    assert.strictEqual(fake.runningTasks("web").length, 2);
    assert.deepStrictEqual((await run(fake, later(180))).plan.moves, [], "and the service is balanced");
  });

  it("the run dies before UpdateService and the extra task is then lost for good: rolled back after the timeout", async () => {
    const fake = surgedTo3();
    fake.fail("updateServiceDesiredCount", "ServiceUnavailableException");
    await run(fake, later(60));
    fake.removeInstance(instanceArn(1)); // the extra task goes with its instance, and nowhere else has room for it
    const waiting = await run(fake, later(120));
    assert.deepStrictEqual(
      waiting.plan.skipped.map((s) => s.reason),
      ["surge-in-flight"],
    );
    const late = await run(fake, later(TIMEOUT + 1));
    assert.deepStrictEqual(
      late.wave.actions.map((a) => a.kind),
      ["rollback-surge"],
    );
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
  });
});

describe("executor: a burst of 100 events", () => {
  // the least moves, by hand: (6,0 | 0,0) → (2,1 | 2,1) takes 4 from the first instance; (8,0 | 0,0) → (2,2 | 2,2) takes 6
  const burstCases: Array<[string, ServiceSpec[], Record<string, number>, number]> = [
    ["one service surging (100/200)", [{ name: "web" }], { web: 6 }, 4],
    ["one service stopping directly (50/200)", [{ name: "web", minimumHealthyPercent: 50 }], { web: 6 }, 4],
    [
      "two services, one of each, with the default budgets",
      [{ name: "web" }, { name: "api", minimumHealthyPercent: 50 }],
      { web: 6, api: 8 },
      10,
    ],
  ];
  for (const [name, services, tasks, least] of burstCases) {
    // a surge's moves come in waves (only those whose extra task ECS lands where planned), so the
    // first plan may hold fewer than the least; what is stopped in the end must be exactly the least
    it(`${name}: tasks stopped over 100 runs (by StopTask or by the surge's scale-in) are the least moves (${least}), and the cluster ends balanced`, async () => {
      const fake = new FakeEcs(buildSnapshot([{ zone: "a", tasks }, { zone: "a" }, { zone: "b" }, { zone: "b" }], services));
      const budgets = { maxMovesPerRun: 10, maxMovesPerService: 5, maxMovesPerInstance: 3 };
      let firstMoves = -1;
      for (let i = 0; i < 100; i++) {
        const report = await run(fake, new Date(NOW.getTime() + i * 30_000), budgets);
        if (i === 0) firstMoves = report.plan.moves.length;
        assert.deepStrictEqual(report.wave.errors, []);
        fake.advance();
      }
      assert.ok(firstMoves > 0);
      assert.ok(firstMoves <= least);
      assert.strictEqual(fake.state.tasks.filter((t) => t.lastStatus === "STOPPED").length, least);
      const final = await run(fake, new Date(NOW.getTime() + 100 * 30_000), budgets);
      assert.deepStrictEqual(final.plan.moves, []);
      assert.strictEqual(final.plan.balanced.length, services.length);
      for (const service of services) {
        assert.strictEqual(fake.serviceOf(service.name).desiredCount, tasks[service.name], "desired count restored");
        assert.strictEqual(readSurge(fake.serviceOf(service.name)), undefined, "no surge tag left");
      }
    });
  }
});

// zone a loads (3,1) with web (1,0) there and two web tasks in zone b: one load move of web, 0 → 1
const fixedLoad: ServiceSpec = { name: "fixed", tags: { "ecs-rebalancer:ignore": "true" } };
const oneLoadMove: InstanceSpec[] = [
  { zone: "a", tasks: { fixed: 2, web: 1 } },
  { zone: "a", tasks: { fixed: 1 } },
  { zone: "b", tasks: { web: 2 } },
];

describe("executor: cluster load moves always start first", () => {
  const [fixed, instances] = [fixedLoad, oneLoadMove];
  const cases: Array<[string, number, number, string[]]> = [
    [
      "at 50 % minimum healthy, where a spread move would stop first, the load move surges: tag, then desired 3 → 4",
      50,
      200,
      ["tagResource", "updateServiceDesiredCount"],
    ],
    ["at 100/200 the load move surges the same way", 100, 200, ["tagResource", "updateServiceDesiredCount"]],
    ["at 50/100 no task can start first: nothing is written, the move is skipped with its reason", 50, 100, []],
  ];
  for (const [name, minimumHealthyPercent, maximumPercent, writes] of cases) {
    it(name, async () => {
      const { fake, plan, report } = await wave(buildSnapshot(instances, [fixed, web({ minimumHealthyPercent, maximumPercent })]));
      assert.deepStrictEqual(
        plan.moves.map((m) => m.pass),
        ["load"],
      );
      assert.deepStrictEqual(ops(fake), writes);
      assert.deepStrictEqual(stopped(fake), [], "a load move never stops before its task has started");
      if (writes.length === 0) assert.match(report.skipped[0]?.detail ?? "", /load move must start its task first/);
    });
  }
});

describe("executor: a pinned load move (surgePin.ts)", () => {
  // the same cluster as above, web's move pinned to instance 1
  const [fixed, instances] = [fixedLoad, oneLoadMove];
  const target = "i-00000000000000001";
  const pinCall = (fake: FakeEcs) => fake.calls.filter((c) => c.op === "updateServiceDesiredCount").map((c) => [c.args[2], c.args[3]]);

  it("the surge's one UpdateService raises the count and adds `ec2InstanceId == <target>`; the tag records the pin", async () => {
    const { fake, plan } = await wave(buildSnapshot(instances, [fixed, web()]));
    assert.deepStrictEqual(
      plan.moves.map((m) => [m.pass, m.pin, m.landsOn]),
      [["load", target, undefined]],
    );
    assert.deepStrictEqual(ops(fake), ["tagResource", "updateServiceDesiredCount"]);
    assert.deepStrictEqual(pinCall(fake), [[4, [{ type: "memberOf", expression: `ec2InstanceId == ${target}` }]]]);
    const surge = readSurge(fake.serviceOf("web"));
    assert.ok(surge && "pin" in surge && surge.pin === target, JSON.stringify(surge));
  });

  it("the completion restores the count and the service's own constraints in one UpdateService, then untags", async () => {
    const own = { type: "memberOf" as const, expression: "attribute:tier != batch" };
    const fake = new FakeEcs(buildSnapshot(instances, [fixed, web({ constraints: [own] })]));
    await run(fake, NOW);
    assert.deepStrictEqual(fake.serviceOf("web").placementConstraints, [
      own,
      { type: "memberOf", expression: `ec2InstanceId == ${target}` },
    ]);
    fake.advance(new Date(NOW.getTime() + 10_000));
    const before = fake.writes().length;
    await run(fake, new Date(NOW.getTime() + 60_000));
    const ending = fake.writes().slice(before);
    assert.deepStrictEqual(
      ending.map((c) => c.op),
      ["updateTaskProtection", "updateTaskProtection", "updateServiceDesiredCount", "untagResource"],
    );
    assert.deepStrictEqual(ending[2].args.slice(2), [3, [own]]);
    assert.deepStrictEqual(fake.serviceOf("web").placementConstraints, [own]);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
    assert.strictEqual(
      fake.runningTasks("web").filter((t) => t.containerInstanceArn === instanceArn(1)).length,
      1,
      "the task landed on the pinned instance",
    );
  });

  const pinnedTag = (surge: Surge, identity = WEB_IDENTITY) => formatSurge({ ...surge, pin: target }, identity);
  const pinnedWeb = (tag: string, desiredCount: number) =>
    web({ desiredCount, tags: { [SURGE_TAG]: tag }, constraints: [{ type: "memberOf", expression: `ec2InstanceId == ${target}` }] });

  it("forgetting our own pinned tag (someone changed the count) removes the pin before the tag, and leaves the count alone", async () => {
    const tag = pinnedTag({ from: 3, to: 4, startedAt: NOW });
    const { fake } = await wave(buildSnapshot(instances, [fixed, pinnedWeb(tag, 5)]));
    assert.deepStrictEqual(ops(fake), ["updateServicePlacementConstraints", "untagResource"]);
    assert.deepStrictEqual(fake.serviceOf("web").placementConstraints, []);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 5);
  });

  it("a pinned tag that is not ours (its proof is another service's) is forgotten without touching any constraint", async () => {
    const tag = pinnedTag({ from: 3, to: 4, startedAt: NOW }, { serviceArn: serviceArn("api") });
    const { fake } = await wave(buildSnapshot(instances, [fixed, pinnedWeb(tag, 4)]));
    assert.deepStrictEqual(ops(fake), ["untagResource"]);
    assert.strictEqual(fake.serviceOf("web").placementConstraints?.length, 1);
  });
});
