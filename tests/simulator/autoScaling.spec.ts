import { strict as assert } from "node:assert";
import { CLUSTER, addService, newSimulator, zoneOf } from "./helpers";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const SHAPE = { zones: ZONES, cpu: 2048, memory: 3904, instanceType: "t3.small" };

describe("simulator Auto Scaling group stand-in", () => {
  it("scale-out keeps zones balanced: 5 instances over 3 zones → 2, 2, 1", () => {
    const sim = newSimulator();
    const group = sim.autoScalingGroup(CLUSTER, SHAPE);
    group.setDesiredCapacity(5);
    sim.settle(CLUSTER);
    const zones = group.instances().map((arn) => zoneOf(sim, arn));
    assert.deepEqual(zones, ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1a", "us-east-1b"]);
  });

  it("instances register only after the boot delay", () => {
    const sim = newSimulator({ instanceBootSeconds: 30 });
    const group = sim.autoScalingGroup(CLUSTER, SHAPE);
    group.setDesiredCapacity(1);
    sim.advance(29);
    assert.deepEqual(group.instances(), []);
    assert.equal(sim.isSteady(CLUSTER), false);
    sim.advance(1);
    assert.equal(group.instances().length, 1);
    const instance = sim.state.containerInstanceByArn(group.instances()[0]);
    assert.deepEqual([instance.status, instance.agentConnected, instance.attributes["ecs.instance-type"]], ["ACTIVE", true, "t3.small"]);
  });

  it("scale-in drains the newest instance of the fullest zone and terminates it once its tasks are gone", () => {
    const sim = newSimulator();
    const group = sim.autoScalingGroup(CLUSTER, SHAPE);
    group.setDesiredCapacity(4);
    sim.settle(CLUSTER);
    addService(sim, "svc", 4);
    sim.settle(CLUSTER);
    const [, , , newest] = group.instances();
    assert.equal(zoneOf(sim, newest), "us-east-1a");
    group.setDesiredCapacity(3);
    assert.equal(sim.state.containerInstanceByArn(newest).status, "DRAINING");
    sim.settle(CLUSTER);
    assert.equal(sim.state.containerInstanceByArn(newest).status, "INACTIVE");
    assert.equal(group.instances().includes(newest), false);
    assert.equal(
      Object.values(sim.distribution(CLUSTER)).reduce((n, c) => n + (c.svc ?? 0), 0),
      4,
    );
  });

  it("loseInstance stops its tasks at once and the group launches a replacement in the same zone", () => {
    const sim = newSimulator();
    const group = sim.autoScalingGroup(CLUSTER, SHAPE);
    group.setDesiredCapacity(3);
    sim.settle(CLUSTER);
    const [lost] = group.instances();
    group.loseInstance(lost);
    assert.equal(sim.state.containerInstanceByArn(lost).status, "INACTIVE");
    sim.settle(CLUSTER);
    assert.equal(group.instances().length, 3);
    assert.deepEqual(
      group
        .instances()
        .map((arn) => zoneOf(sim, arn))
        .sort(),
      [...ZONES].sort(),
    );
  });
});
