import * as assert from "assert";
import { CutState, stopFromUnderTarget, watchAzRounds } from "../../bench/soak";
import { EcsSimulator } from "../../simulator";
import { addInstances, addService, CLUSTER, newSimulator } from "../simulator/helpers";

/**
 * The soak's judge of "a move from an instance at or under its target" (stopFromUnderTarget), asked
 * before ECS applies the StopTask. Layout: web, 4 tasks spread by zone then instance, with 3 on the
 * one instance of zone b and 1 on the one instance of zone a: each zone's target is 2.
 */
function unevenWeb(): { sim: EcsSimulator; onA: string; onB: string } {
  const sim = newSimulator();
  const [b] = addInstances(sim, [{ zone: "us-east-1b" }]);
  addService(sim, "web", 3, {
    placementStrategy: [
      { type: "spread", field: "attribute:ecs.availability-zone" },
      { type: "spread", field: "instanceId" },
    ],
  });
  sim.advance(60);
  const [a] = addInstances(sim, [{ zone: "us-east-1a" }]);
  sim.setDesiredCount(CLUSTER, "web", 4); // the fourth task goes to zone a, the emptiest
  sim.advance(60);
  const running = (instance: string) =>
    [...sim.state.cluster(CLUSTER).services.get("web")!.tasks].filter(
      (t) => t.lastStatus === "RUNNING" && t.containerInstance.arn === instance,
    );
  assert.deepStrictEqual([running(a).length, running(b).length], [1, 3], "the layout the cases assume");
  return { sim, onA: running(a)[0].arn, onB: running(b)[0].arn };
}

describe("soak judge: a stop from an instance at or under its target", () => {
  it("a stop from zone b's 3 (above the target of 2) is justified", () => {
    const { sim, onB } = unevenWeb();
    assert.strictEqual(stopFromUnderTarget(sim, { cluster: CLUSTER, task: onB }), undefined);
  });

  it("a stop from zone a's 1 (under the target of 2) is reported, naming the service and the counts", () => {
    const { sim, onA } = unevenWeb();
    assert.match(stopFromUnderTarget(sim, { cluster: CLUSTER, task: onA }) ?? "", /web: stopped a task .* held 1 running, least target 2/);
  });

  it("the same stop of an UNHEALTHY task is not reported: ECS replaces it anyway", () => {
    const { sim, onA } = unevenWeb();
    sim.failHealthCheck(CLUSTER, onA);
    assert.strictEqual(stopFromUnderTarget(sim, { cluster: CLUSTER, task: onA }), undefined);
  });
});

describe("soak judge: doubled moves (a round of ECS's AZ rebalancing set off by a write of ours)", () => {
  function withRound(): { sim: EcsSimulator; cut: CutState } {
    const { sim } = unevenWeb();
    const cut = { lastWriteMs: new Map(), lastDisturbanceMs: 0, seenRounds: new WeakSet(), doubledMoveRounds: [] } as unknown as CutState;
    return { sim, cut };
  }
  const startRound = (sim: EcsSimulator) => {
    sim.state.cluster(CLUSTER).services.get("web")!.azRound = { started: new Set(), desiredCount: 4, deploymentId: "d" };
  };

  it("a round that starts after our write, with nothing else since, is one doubled move, counted once", () => {
    const { sim, cut } = withRound();
    cut.lastDisturbanceMs = sim.nowMs - 60_000;
    cut.lastWriteMs.set("web", sim.nowMs - 10_000);
    startRound(sim);
    watchAzRounds(sim, CLUSTER, cut, 0, 30);
    watchAzRounds(sim, CLUSTER, cut, 0, 35);
    assert.deepStrictEqual(cut.doubledMoveRounds, ["web at step 0 30 s, 10 s after our write"]);
  });

  it("a round after a step's action, a loss or failed health checks that followed our write is ECS's own", () => {
    const { sim, cut } = withRound();
    cut.lastWriteMs.set("web", sim.nowMs - 10_000);
    cut.lastDisturbanceMs = sim.nowMs - 5_000;
    startRound(sim);
    watchAzRounds(sim, CLUSTER, cut, 0, 30);
    assert.deepStrictEqual(cut.doubledMoveRounds, []);
  });

  it("no write of ours on the service: never a doubled move", () => {
    const { sim, cut } = withRound();
    startRound(sim);
    watchAzRounds(sim, CLUSTER, cut, 0, 30);
    assert.deepStrictEqual(cut.doubledMoveRounds, []);
  });
});
