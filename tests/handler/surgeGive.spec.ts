import * as assert from "assert";
import { silentLogger } from "../../handler/log";
import { rebalance } from "../../handler/rebalance";
import { planMoves } from "../../handler/planner";
import { formatSurge, IGNORE_TAG, readSurge, SURGE_TAG, taskId } from "../../handler/surgeTag";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, InstanceSpec, instanceArn, ServiceSpec, WEB_IDENTITY } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const virtualClock = { now: () => 0, sleep: async () => {} };

const UNPINNED = { bandTasks: 1, pinMoves: false };
/**
 * Ten runs of the rebalancer 30 s apart, with the fake scheduler's step after each (its started
 * tasks stamped 10 s into the gap when `stampCreated`); `afterRun` looks at the fake after each run.
 */
/** FakeEcs places tasks by the strategy alone, without constraints: these specs run unpinned (pinned surges: tests/e2e/surgePin.spec.ts). */
async function runTenTimes(fake: FakeEcs, afterRun: () => void, stampCreated = false): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const now = new Date(NOW.getTime() + i * 30_000);
    await rebalance(fake, CLUSTER_ARN, {
      dryRun: false,
      log: silentLogger,
      maxMovesPerRun: 10,
      maxMovesPerService: 5,
      maxMovesPerInstance: 3,
      clock: virtualClock,
      now,
      surgeTimeoutSeconds: 900,
      pinLoadMoves: false,
    });
    afterRun();
    fake.advance(stampCreated ? new Date(now.getTime() + 10_000) : undefined);
  }
}

/**
 * A surge's completion stops the tasks its moves were planned to take away (the tag's `give`), when
 * the service is balanced without them. The load property's minimal case: web (1,0 | 1,1) with
 * fixed load (3,0 | 5,0). The load pass moves web a0 → a1; once the extra task runs on a1, web is
 * balanced whether a0's or b0's task goes. The spread's tie-break picked b0 (the busier zone), which
 * left zone a at (4,1); the planned give-up leaves it at (3,1).
 */
describe("surge completion gives up the planned tasks (surgeTag.ts, give)", () => {
  const fixed: ServiceSpec = { name: "fixed", tags: { "ecs-rebalancer:ignore": "true" } };
  const instances: InstanceSpec[] = [
    { zone: "a", tasks: { fixed: 3, web: 1 } },
    { zone: "a" },
    { zone: "b", tasks: { fixed: 5, web: 1 } },
    { zone: "b", tasks: { web: 1 } },
  ];
  const webOn = (fake: FakeEcs, at: number) => fake.runningTasks("web").filter((t) => t.containerInstanceArn === instanceArn(at)).length;

  it("the load move a0 → a1 lands and stays: a0's web task is the one stopped, b's two stay", async () => {
    const fake = new FakeEcs(buildSnapshot(instances, [fixed, { name: "web" }]));
    let tagged: string | undefined;
    await runTenTimes(fake, () => (tagged ??= fake.serviceOf("web").tags?.find((t) => t.key === SURGE_TAG)?.value));
    assert.match(tagged ?? "", / give=[0-9A-Za-z-]+ proof=/, "the surge recorded the task it gives up");
    assert.deepStrictEqual(
      [0, 1, 2, 3].map((at) => webOn(fake, at)),
      [0, 1, 1, 1],
    );
    assert.strictEqual(fake.state.tasks.filter((t) => t.lastStatus === "STOPPED").length, 1, "one task moved");
    assert.strictEqual(fake.serviceOf("web").desiredCount, 3);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
  });
});

/**
 * A load move's started task is placed by ECS among the service's emptiest instances of the zone,
 * a coin flip where they carry unequal loads (clusterLoad/loadPass.ts, "even-chance"). When it
 * landed on an instance busier than the planned source, the completion gives up the started task
 * instead: the zone is as it was, and the move is spent, never harmful.
 */
describe("surge completion undoes a coin flip that went the wrong way (serviceSpread/surgeEnd.ts)", () => {
  const fixed: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };
  const startedAt = new Date("2026-03-01T12:00:00Z");

  /** web surged 2 → 3 to move its task off instance 0 (load 4); its started task runs on `landedOn`. */
  function completionStops(landedOn: 1 | 2): number[] {
    const instances: InstanceSpec[] = [
      { zone: "a", tasks: { fixed: 3, web: 1 } },
      { zone: "a", tasks: landedOn === 1 ? { web: 1 } : {} },
      { zone: "a", tasks: landedOn === 2 ? { fixed: 4, web: 1 } : { fixed: 4 } },
      { zone: "b", tasks: { web: 1 } },
    ];
    const snapshot = buildSnapshot(instances, [fixed, { name: "web" }]);
    const web = snapshot.tasks.filter((t) => t.group === "service:web");
    for (const task of web) task.createdAt = new Date(startedAt.getTime() - 3_600_000);
    web.find((t) => t.containerInstanceArn === instanceArn(landedOn))!.createdAt = new Date(startedAt.getTime() + 10_000);
    const source = web.find((t) => t.containerInstanceArn === instanceArn(0))!;
    const service = snapshot.services.find((s) => s.serviceName === "web")!;
    service.desiredCount = 3;
    service.tags = [{ key: SURGE_TAG, value: formatSurge({ from: 2, to: 3, startedAt, give: [taskId(source.taskArn!)] }, WEB_IDENTITY) }];
    const plan = planMoves(snapshot, { now: new Date(startedAt.getTime() + 60_000), surgeTimeoutSeconds: 900, clusterLoad: UNPINNED });
    const [completion] = plan.surges;
    assert.strictEqual(completion?.kind, "complete");
    return completion.kind === "complete" ? completion.stop.map((m) => Number(m.from.slice(-32))) : [];
  }

  it("landed on the empty instance (load 1 now, the source 4): the source's task is given up, as planned", () => {
    assert.deepStrictEqual(completionStops(1), [0]);
  });

  it("landed on the busy instance (load 5 now, the source 4): the started task is given up instead, zone a stays (4, 0, 4)", () => {
    assert.deepStrictEqual(completionStops(2), [2]);
  });
});

/**
 * A load move whose service's zones tie, where the tied zone has neither a gain nor a swap: the
 * surge adds a task to each zone (so the one in zone a lands on its planned instance) and the task
 * started in zone b is a filler, given up when the surge ends (clusterLoad/loadPass.ts, fillerIn).
 * web (1, 0 | 1, 0) with fixed load (2, 0 | 0, 1): zone a evens to (2, 1); zone b stays (1, 1).
 */
describe("a filler in a tied zone is given up when the surge ends", () => {
  const fixed: ServiceSpec = { name: "fixed", tags: { [IGNORE_TAG]: "true" } };
  const instances: InstanceSpec[] = [
    { zone: "a", tasks: { fixed: 2, web: 1 } },
    { zone: "a" },
    { zone: "b", tasks: { web: 1 } },
    { zone: "b", tasks: { fixed: 1 } },
  ];
  const webOn = (fake: FakeEcs, at: number) => fake.runningTasks("web").filter((t) => t.containerInstanceArn === instanceArn(at)).length;

  it("plan, surge, completion: web ends (0, 1 | 1, 0), b's original task still runs, two tasks stopped (a0's and the filler)", async () => {
    const fake = new FakeEcs(buildSnapshot(instances, [fixed, { name: "web" }]));
    const bTask = fake.runningTasks("web").find((t) => t.containerInstanceArn === instanceArn(2))!.taskArn;
    let raisedTo = 0;
    await runTenTimes(fake, () => (raisedTo = Math.max(raisedTo, fake.serviceOf("web").desiredCount!)), true);
    assert.strictEqual(raisedTo, 4, "the surge added one task to each tied zone");
    assert.deepStrictEqual(
      [0, 1, 2, 3].map((at) => webOn(fake, at)),
      [0, 1, 1, 0],
    );
    assert.ok(
      fake.runningTasks("web").some((t) => t.taskArn === bTask),
      "zone b's own task was kept: the filler was given up",
    );
    assert.strictEqual(fake.state.tasks.filter((t) => t.lastStatus === "STOPPED").length, 2);
    assert.strictEqual(fake.serviceOf("web").desiredCount, 2);
    assert.strictEqual(readSurge(fake.serviceOf("web")), undefined);
  });
});
