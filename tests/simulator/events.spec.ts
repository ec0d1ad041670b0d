import { strict as assert } from "node:assert";
import type { EcsEvent } from "../../simulator";
import { CLUSTER, addInstances, addService, newSimulator } from "./helpers";

const instanceEvents = (events: EcsEvent[], arn?: string) =>
  events.filter((e) => e["detail-type"] === "ECS Container Instance State Change" && (!arn || e.resources[0] === arn));

describe("simulator events (EventBridge envelopes)", () => {
  it("registration emits an instance event with the EventBridge envelope and the instance as detail", () => {
    const sim = newSimulator();
    const [arn] = addInstances(sim, [{ zone: "us-east-1a" }]);
    const [event] = sim.takeEvents();
    assert.equal(event.version, "0");
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(event["detail-type"], "ECS Container Instance State Change");
    assert.equal(event.source, "aws.ecs");
    assert.equal(event.account, "123456789012");
    assert.equal(event.region, "us-east-1");
    assert.equal(event.time, sim.now.toISOString());
    assert.deepEqual(event.resources, [arn]);
    const detail = event.detail as Record<string, unknown>;
    for (const key of [
      "agentConnected",
      "attributes",
      "clusterArn",
      "containerInstanceArn",
      "ec2InstanceId",
      "registeredResources",
      "remainingResources",
      "status",
      "version",
      "versionInfo",
      "updatedAt",
      "registeredAt",
      "runningTasksCount",
      "pendingTasksCount",
    ]) {
      assert.ok(key in detail, `detail.${key}`);
    }
    assert.deepEqual([detail.status, detail.version, detail.clusterArn], ["ACTIVE", 1, "arn:aws:ecs:us-east-1:123456789012:cluster/test"]);
  });

  it("every task placed or stopped on an instance emits an instance event with the next version and new remaining CPU", () => {
    const sim = newSimulator();
    const [arn] = addInstances(sim, [{ zone: "us-east-1a", cpu: 1024 }]);
    addService(sim, "svc", 2, { cpu: 100 });
    sim.settle(CLUSTER);
    sim.setDesiredCount(CLUSTER, "svc", 0);
    sim.settle(CLUSTER);
    const events = instanceEvents(sim.takeEvents(), arn);
    const versions = events.map((e) => e.detail.version as number);
    assert.deepEqual(versions, [1, 2, 3, 4, 5], "register, 2 placements, 2 stops");
    const cpu = (e: EcsEvent) =>
      (e.detail.remainingResources as Array<{ name: string; integerValue: number }>).find((r) => r.name === "CPU")!.integerValue;
    assert.deepEqual(events.map(cpu), [1024, 924, 824, 924, 1024]);
    assert.deepEqual(
      events.map((e) => e.detail.pendingTasksCount),
      [0, 1, 2, 0, 0],
    );
  });

  it("a service becoming steady emits one ECS Service Action SERVICE_STEADY_STATE, also when its last task turns RUNNING", () => {
    const sim = newSimulator();
    addInstances(sim, [{ zone: "us-east-1a" }, { zone: "us-east-1b" }]);
    addService(sim, "svc", 2);
    sim.settle(CLUSTER);
    sim.takeEvents();
    sim.setDesiredCount(CLUSTER, "svc", 3);
    sim.settle(CLUSTER);
    sim.advance(120);
    const steady = sim.takeEvents().filter((e) => e["detail-type"] === "ECS Service Action");
    assert.equal(steady.length, 1);
    assert.equal(steady[0].detail.eventName, "SERVICE_STEADY_STATE");
    assert.equal(steady[0].detail.clusterArn, "arn:aws:ecs:us-east-1:123456789012:cluster/test");
    assert.match(steady[0].resources[0], /:service\/test\/svc$/);
  });

  it("status changes and agent disconnects emit instance events", () => {
    const sim = newSimulator();
    const [arn] = addInstances(sim, [{ zone: "us-east-1a" }]);
    sim.takeEvents();
    sim.drainInstance(arn);
    sim.setAgentConnected(arn, false);
    sim.setAgentConnected(arn, true);
    const events = instanceEvents(sim.takeEvents(), arn);
    assert.deepEqual(
      events.map((e) => [e.detail.status, e.detail.agentConnected, e.detail.version]),
      [
        ["DRAINING", true, 2],
        ["DRAINING", false, 3],
        ["DRAINING", true, 4],
      ],
    );
  });

  it("task state change events follow PROVISIONING → PENDING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED", () => {
    const sim = newSimulator({ taskStartSeconds: 5, taskStopSeconds: 10 });
    addInstances(sim, [{ zone: "us-east-1a" }]);
    addService(sim, "svc", 1);
    sim.settle(CLUSTER);
    sim.setDesiredCount(CLUSTER, "svc", 0);
    sim.settle(CLUSTER);
    const statuses = sim
      .takeEvents()
      .filter((e) => e["detail-type"] === "ECS Task State Change")
      .map((e) => e.detail.lastStatus);
    assert.deepEqual(statuses, ["PROVISIONING", "PENDING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"]);
  });

  it("duplicateEventRate 1 delivers every event twice with the same id and detail.version", () => {
    const sim = newSimulator();
    sim.faults.duplicateEventRate = 1;
    addInstances(sim, [{ zone: "us-east-1a" }]);
    const events = sim.takeEvents();
    assert.equal(events.length, 2);
    assert.deepEqual(events[0], events[1]);
  });

  it("reorderEvents delivers the same events in a different order", () => {
    const sim = newSimulator();
    sim.faults.reorderEvents = true;
    const arns = addInstances(
      sim,
      Array.from({ length: 12 }, () => ({ zone: "us-east-1a" })),
    );
    const delivered = sim.takeEvents().map((e) => e.resources[0]);
    assert.deepEqual([...delivered].sort(), [...arns].sort());
    assert.notDeepEqual(delivered, arns);
  });

  it("takeEvents empties the queue", () => {
    const sim = newSimulator();
    addInstances(sim, [{ zone: "us-east-1a" }]);
    assert.equal(sim.takeEvents().length, 1);
    assert.deepEqual(sim.takeEvents(), []);
  });
});
