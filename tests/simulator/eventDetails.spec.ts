import { strict as assert } from "node:assert";
import extract from "../../simulator/contract/ecsModelExtract.json";
import { EcsSimulator, type EcsEvent } from "../../simulator";
import { sampleEvent, type SampleName } from "../fixtures/awsSampleEvents";
import { CLUSTER, addInstances, addService, newSimulator } from "./helpers";

const apiMembers = (shape: "ContainerInstance" | "Task" | "Container") =>
  Object.keys((extract.shapes as Record<string, { members?: object }>)[shape].members ?? {});
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** The simulator's events of one detail-type, after an instance, a service and a stop. */
function eventsOf(detailType: string): EcsEvent[] {
  const sim: EcsSimulator = newSimulator();
  addInstances(sim, [{ zone: "us-east-1a" }]);
  addService(sim, "web", 1);
  sim.settle(CLUSTER);
  const task = [...sim.state.cluster(CLUSTER).tasks.values()][0];
  sim.stopTask(CLUSTER, task.arn);
  sim.settle(CLUSTER);
  return sim.takeEvents().filter((e) => e["detail-type"] === detailType);
}

function keysOf(samples: SampleName[]): Set<string> {
  return new Set(samples.flatMap((name) => Object.keys(sampleEvent(name).event.detail)));
}

describe("simulator: event details are EventBridge's contract, not the API's", () => {
  it("a container instance event carries every member of AWS's sample, and only those or ContainerInstance members", () => {
    const sample = keysOf(["containerInstanceStateChange"]);
    for (const event of eventsOf("ECS Container Instance State Change")) {
      const keys = Object.keys(event.detail).filter((k) => event.detail[k] !== undefined);
      assert.deepEqual(
        [...sample].filter((k) => !keys.includes(k)),
        [],
        "missing from the simulator's detail",
      );
      assert.deepEqual(
        keys.filter((k) => !sample.has(k) && !apiMembers("ContainerInstance").includes(k)),
        [],
        "neither in the sample nor the API object",
      );
      assert.match(String(event.detail.updatedAt), ISO);
    }
  });

  it("a task event carries only members of AWS's sample or of the Task object, dates as ISO strings", () => {
    const sample = keysOf(["taskStateChange"]);
    const events = eventsOf("ECS Task State Change");
    assert.ok(events.some((e) => e.detail.lastStatus === "STOPPED"));
    for (const event of events) {
      const keys = Object.keys(event.detail).filter((k) => event.detail[k] !== undefined);
      assert.deepEqual(
        keys.filter((k) => !sample.has(k) && !apiMembers("Task").includes(k)),
        [],
      );
      for (const key of ["createdAt", "startedAt", "stoppedAt", "updatedAt"])
        if (event.detail[key] !== undefined) assert.match(String(event.detail[key]), ISO, key);
      const sampleContainer = new Set(Object.keys((sampleEvent("taskStateChange").event.detail.containers as object[])[0]));
      for (const container of event.detail.containers as Array<Record<string, unknown>>) {
        assert.deepEqual(
          Object.keys(container).filter((k) => !sampleContainer.has(k) && !apiMembers("Container").includes(k)),
          [],
        );
      }
    }
  });

  it("a service action event carries only members AWS's service action samples show", () => {
    const sample = keysOf(["serviceSteadyState", "capacityProviderSteadyState", "serviceTaskStartImpaired", "serviceTaskPlacementFailure"]);
    const events = eventsOf("ECS Service Action");
    assert.ok(events.length > 0);
    for (const event of events)
      assert.deepEqual(
        Object.keys(event.detail).filter((k) => !sample.has(k)),
        [],
        String(event.detail.eventName),
      );
  });
});
