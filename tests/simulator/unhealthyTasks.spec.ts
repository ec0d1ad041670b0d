import { strict as assert } from "node:assert";
import { DescribeTasksCommand } from "@aws-sdk/client-ecs";
import type { EcsSimulator } from "../../simulator";
import { CLUSTER, addInstances, addService, newSimulator, sdkClient } from "./helpers";

/**
 * ECS replaces an UNHEALTHY task: replacement first, then the unhealthy task stops, within
 * maximumPercent; with no room under maximumPercent, it stops unhealthy tasks one at a time
 * (DeploymentConfiguration: maximumPercent, minimumHealthyPercent).
 */
const tasksOf = (sim: EcsSimulator) => [...sim.state.cluster(CLUSTER).services.get("web")!.tasks];
const healthyRunning = (sim: EcsSimulator) =>
  tasksOf(sim).filter((t) => t.lastStatus === "RUNNING" && t.desiredStatus === "RUNNING" && t.healthStatus !== "UNHEALTHY").length;

function failTwo(maximumPercent: number): { sim: EcsSimulator; sick: string[] } {
  const sim = newSimulator({ seed: 3 });
  addInstances(sim, [{ zone: "us-east-1a" }, { zone: "us-east-1b" }]);
  addService(sim, "web", 4, { deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent } });
  sim.settle(CLUSTER);
  const sick = tasksOf(sim)
    .slice(0, 2)
    .map((t) => t.arn);
  for (const arn of sick) sim.failHealthCheck(CLUSTER, arn);
  return { sim, sick };
}

describe("simulator: UNHEALTHY tasks", () => {
  it("DescribeTasks reports healthStatus UNHEALTHY for a failed task, UNKNOWN for the others (no health checks)", async () => {
    const { sim, sick } = failTwo(200);
    const ecs = sdkClient(await sim.listen(), 1);
    try {
      const arns = tasksOf(sim).map((t) => t.arn);
      const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: arns }));
      assert.equal(tasks!.length, 4);
      for (const task of tasks!) assert.equal(task.healthStatus, sick.includes(task.taskArn!) ? "UNHEALTHY" : "UNKNOWN");
    } finally {
      ecs.destroy();
      await sim.close();
    }
  });

  it("at maximumPercent 200: replacements start first, the 2 healthy never drop, and the unhealthy pair is stopped", () => {
    const { sim, sick } = failTwo(200);
    let lowest = Infinity;
    for (let t = 0; t < 60; t++) {
      sim.advance(1);
      lowest = Math.min(lowest, healthyRunning(sim));
    }
    assert.equal(lowest, 2);
    assert.equal(healthyRunning(sim), 4);
    for (const arn of sick) assert.notEqual(sim.state.task(sim.state.cluster(CLUSTER), arn)?.desiredStatus, "RUNNING");
  });

  it("at maximumPercent 100 (no room for a replacement): stopped one at a time, then replaced", () => {
    const { sim } = failTwo(100);
    sim.advance(1);
    const stopping = tasksOf(sim).filter((t) => t.healthStatus === "UNHEALTHY" && t.desiredStatus === "STOPPED").length;
    assert.equal(stopping, 1);
    sim.settle(CLUSTER);
    assert.equal(healthyRunning(sim), 4);
  });
});
