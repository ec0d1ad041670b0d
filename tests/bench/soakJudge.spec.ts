import * as assert from "assert";
import { stopFromUnderTarget } from "../../bench/soak";
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
