import * as assert from "assert";
import { measureCluster } from "../../bench/clusterMeasures";
import { simulate } from "../../cli/simulation";
import type { EcsSimulator } from "../../simulator";
import type { Scenario } from "../../simulator/scenarioSchema";

const ZONE_THEN_INSTANCE = [
  { type: "spread", field: "attribute:ecs.availability-zone" },
  { type: "spread", field: "instanceId" },
];

/** Four two-task services and a DAEMON on 4 instances in 2 zones, scaled 4 → 2 → 4 by ECS alone. */
const scenario: Scenario = {
  name: "measures",
  seed: 3,
  zones: ["us-east-1a", "us-east-1b"],
  instance: { cpu: 2048, memory: 7936 },
  instanceCount: 4,
  timing: { taskStartSeconds: 10, taskStopSeconds: 30, instanceBootSeconds: 60 },
  services: [
    { name: "agent", schedulingStrategy: "DAEMON", cpu: 64, memory: 64 },
    ...["s1", "s2", "s3", "s4"].map((name) => ({ name, desiredCount: 2, cpu: 128, memory: 256, placementStrategy: ZONE_THEN_INSTANCE })),
  ],
  steps: [
    { name: "scale in to 2 instances", scaleInstances: 2 },
    { name: "scale out to 4 instances", scaleInstances: 4 },
  ],
} as Scenario;

describe("bench cluster measures (read from the simulator's own model)", function () {
  this.timeout(60000);
  let sim: EcsSimulator | undefined;

  before(async () => {
    await simulate({ scenario, onTick: (context) => (sim = context.sim) });
  });

  it("idle instances: the two new instances run only the DAEMON's task, and a DAEMON's task is not work placed there → 2 idle of 4", () => {
    const measures = measureCluster(sim!, "measures");
    assert.strictEqual(measures.instances, 4);
    assert.strictEqual(measures.idleInstances, 2);
    // the control: every ACTIVE instance runs a task (the agent), so counting any task would find none idle
    const running = [...sim!.state.cluster("measures").instances.values()]
      .filter((i) => i.status === "ACTIVE")
      .map((i) => [...i.tasks].filter((t) => t.lastStatus === "RUNNING").length);
    assert.ok(
      running.every((n) => n >= 1),
      `tasks per instance: ${running}`,
    );
  });

  it("zone bands: each zone's old instance holds its four service tasks and the agent, the new one the agent → 4 tasks apart in each zone", () => {
    const measures = measureCluster(sim!, "measures");
    assert.deepStrictEqual(measures.zoneBands, { "us-east-1a": 4, "us-east-1b": 4 });
    assert.strictEqual(measures.tasks, 8 + 4);
  });
});
