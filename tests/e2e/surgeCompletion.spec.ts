import { strict as assert } from "node:assert";
import type { EcsPort } from "../../handler/ecsPort";
import type { EcsSimulator } from "../../simulator";
import fc from "fast-check";
import { endSurge } from "../../handler/surgeCompletion";
import type { SurgeAction } from "../../handler/planner";
import { CLUSTER, addInstances, addService, newSimulator } from "../simulator/helpers";
import { simulatorPort } from "./simulatorPort";

/**
 * The end of a surge against the simulator's asynchronous service scheduler: each API call takes
 * `apiCallSeconds` of virtual time and the scheduler reacts `schedulerDelaySeconds` after a change,
 * so it may act between two calls of one run (delay shorter than the gap) or after all of them.
 */
type Completion = Extract<SurgeAction, { kind: "complete" }>;

interface Case {
  from: number;
  extra: number;
  schedulerDelaySeconds: number;
  apiCallSeconds: number;
}

/** A service surged from `from` to `from + extra`, steady; the surplus is `extra` tasks on instance 0. */
function surged(c: Case): { sim: EcsSimulator; surge: Completion; running: () => string[] } {
  const sim = newSimulator({ seed: 3, schedulerDelaySeconds: c.schedulerDelaySeconds, apiCallSeconds: c.apiCallSeconds });
  addInstances(sim, [{ zone: "us-east-1a" }, { zone: "us-east-1b" }, { zone: "us-east-1a" }]);
  const to = c.from + c.extra;
  const service = addService(sim, "web", to, { availabilityZoneRebalancing: "DISABLED" });
  sim.settle(CLUSTER);
  const running = () =>
    [...sim.state.cluster(CLUSTER).services.get("web")!.tasks]
      .filter((t) => t.desiredStatus === "RUNNING" && t.lastStatus === "RUNNING")
      .map((t) => t.arn);
  const tasks = running().sort();
  const stop = tasks
    .slice(0, c.extra)
    .map((taskArn) => ({ service, serviceName: "web", taskArn, from: "", to: null, toGroup: [], pass: "spread" as const }));
  const surge: Completion = {
    kind: "complete",
    service,
    serviceName: "web",
    surge: { from: c.from, to, startedAt: sim.now },
    stop,
    keep: tasks.slice(c.extra),
  };
  return { sim, surge, running };
}

/** Ends the surge with `finish`, then watches every virtual tenth of a second for a minute. */
async function watch(c: Case, finish: (ecs: EcsPort, surge: Completion) => Promise<void>) {
  const { sim, surge, running } = surged(c);
  let lowest = Infinity;
  sim.everySecond(() => (lowest = Math.min(lowest, running().length)));
  const before = new Set(running());
  await finish(simulatorPort(sim), surge);
  for (let t = 0; t < 600; t++) sim.advance(0.1);
  const after = new Set(running());
  const stoppedRunning = [...before].filter((t) => !after.has(t));
  return { lowest, stoppedRunning, planned: surge.stop.map((m) => m.taskArn), remaining: after.size };
}

const cases = fc.record({
  from: fc.integer({ min: 2, max: 5 }),
  extra: fc.integer({ min: 1, max: 2 }),
  schedulerDelaySeconds: fc.constantFrom(0, 0.1, 0.3, 1, 2.5),
  apiCallSeconds: fc.constantFrom(0.05, 0.2, 0.5, 1),
});

describe("surge completion under an asynchronous service scheduler", () => {
  it("property: never below `from` running, and exactly the planned tasks stopped (never more than the surge added), whatever the delays", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const result = await watch(c, (ecs, surge) => endSurge(ecs, CLUSTER, surge));
        assert.ok(result.lowest >= c.from, `lowest running ${result.lowest} < from ${c.from} (${JSON.stringify(c)})`);
        assert.deepEqual(result.stoppedRunning.sort(), result.planned.sort(), "ECS's scale-in took exactly the unprotected surplus");
        assert.equal(result.remaining, c.from);
      }),
      { numRuns: 25, seed: 11 },
    );
  });

  it("control: the old sequence (StopTask, then UpdateService) with the scheduler reacting between the two calls stops more than the surge added", async () => {
    // delay 0.1 s < the 0.5 s a call takes: ECS starts a replacement before the count is lowered,
    // and its scale-in then stops a running task in the replacement's place
    const c: Case = { from: 3, extra: 1, schedulerDelaySeconds: 0.1, apiCallSeconds: 0.5 };
    const result = await watch(c, async (ecs, surge) => {
      for (const move of surge.stop) await ecs.stopTask(CLUSTER, move.taskArn, "test");
      await ecs.updateServiceDesiredCount(CLUSTER, surge.service, surge.surge.from);
    });
    assert.ok(result.stoppedRunning.length > c.extra, `stopped ${result.stoppedRunning.length} running tasks for a surge of ${c.extra}`);
    assert.ok(result.lowest < c.from, `lowest running ${result.lowest}: below from ${c.from}`);
  });
});
