import { strict as assert } from "node:assert";
import { CLUSTER, addInstances, addService, newSimulator } from "./helpers";

function setUp(foreignUpdateServicePerSecond = 0) {
  const sim = newSimulator();
  addInstances(sim, [{ zone: "us-east-1a" }]);
  addService(sim, "web", 1);
  sim.settle(CLUSTER);
  Object.assign(sim.faults, { tokenBuckets: true, foreignUpdateServicePerSecond });
  const update = () => {
    try {
      sim.call("UpdateService", { cluster: CLUSTER, service: "web", desiredCount: 1 });
      return "ok";
    } catch (error) {
      return (error as Error).name;
    }
  };
  return { sim, update };
}

describe("simulator: ECS's token buckets in virtual time", () => {
  it("UpdateService: a burst of 50, the 51st in the same instant is throttled", () => {
    const { update } = setUp();
    const answers = Array.from({ length: 51 }, update);
    assert.equal(answers.filter((a) => a === "ok").length, 50);
    assert.equal(answers[50], "ThrottlingException");
  });

  it("UpdateService refills 5 per virtual second", () => {
    const { sim, update } = setUp();
    for (let i = 0; i < 50; i++) update();
    sim.advance(1);
    const answers = Array.from({ length: 6 }, update);
    assert.deepEqual(answers, ["ok", "ok", "ok", "ok", "ok", "ThrottlingException"]);
  });

  it("another caller taking 4.5 UpdateService tokens a second leaves this one 0.5 a second once the burst is spent", () => {
    const { sim, update } = setUp(4.5);
    for (let i = 0; i < 50; i++) update();
    sim.advance(4);
    assert.deepEqual(Array.from({ length: 3 }, update), ["ok", "ok", "ThrottlingException"]);
  });

  it("StopTask, tags and reads have buckets of their own: a spent UpdateService bucket throttles none of them", () => {
    const { sim, update } = setUp();
    for (let i = 0; i < 51; i++) update();
    const arn = (sim.call("ListServices", { cluster: CLUSTER }) as any).serviceArns[0];
    assert.doesNotThrow(() => sim.call("TagResource", { resourceArn: arn, tags: [{ key: "k", value: "v" }] }));
    assert.doesNotThrow(() => sim.call("DescribeServices", { cluster: CLUSTER, services: ["web"] }));
  });

  it("control: buckets off (the default) → 200 UpdateService calls in one instant all pass", () => {
    const { sim, update } = setUp();
    sim.faults.tokenBuckets = false;
    assert.equal(Array.from({ length: 200 }, update).filter((a) => a === "ok").length, 200);
  });
});
