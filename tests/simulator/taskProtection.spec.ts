import { strict as assert } from "node:assert";
import { CLUSTER, addInstances, addService, newSimulator } from "./helpers";

function setUp(count = 3) {
  const sim = newSimulator();
  addInstances(sim, [{ zone: "us-east-1a" }, { zone: "us-east-1b" }]);
  addService(sim, "web", count, { availabilityZoneRebalancing: "DISABLED" });
  sim.settle(CLUSTER);
  const tasks = (sim.call("ListTasks", { cluster: CLUSTER, serviceName: "web" }) as any).taskArns as string[];
  const running = () => (sim.call("ListTasks", { cluster: CLUSTER, serviceName: "web" }) as any).taskArns as string[];
  return { sim, tasks, running };
}

describe("simulator: task scale-in protection", () => {
  it("a scale-in (desired 3 → 1) stops only unprotected tasks", () => {
    const { sim, tasks, running } = setUp();
    sim.call("UpdateTaskProtection", { cluster: CLUSTER, tasks: [tasks[1]], protectionEnabled: true, expiresInMinutes: 5 });
    sim.call("UpdateService", { cluster: CLUSTER, service: "web", desiredCount: 1 });
    sim.settle(CLUSTER);
    assert.deepEqual(running(), [tasks[1]]);
  });

  it("every task protected: the service stays above desired until the protection lapses, then scales in", () => {
    const { sim, tasks, running } = setUp(2);
    sim.call("UpdateTaskProtection", { cluster: CLUSTER, tasks, protectionEnabled: true, expiresInMinutes: 1 });
    sim.call("UpdateService", { cluster: CLUSTER, service: "web", desiredCount: 1 });
    sim.advance(30);
    assert.equal(running().length, 2, "ECS waits while every task is protected");
    sim.advance(60);
    assert.equal(running().length, 1, "after the minute, protection lapses");
  });

  it("GetTaskProtection reports it; protectionEnabled false clears it", () => {
    const { sim, tasks } = setUp();
    sim.call("UpdateTaskProtection", { cluster: CLUSTER, tasks: [tasks[0]], protectionEnabled: true, expiresInMinutes: 10 });
    const on = (sim.call("GetTaskProtection", { cluster: CLUSTER, tasks: [tasks[0]] }) as any).protectedTasks[0];
    assert.equal(on.protectionEnabled, true);
    assert.equal(on.expirationDate, sim.nowMs / 1000 + 600);
    sim.call("UpdateTaskProtection", { cluster: CLUSTER, tasks: [tasks[0]], protectionEnabled: false });
    assert.equal(
      (sim.call("GetTaskProtection", { cluster: CLUSTER, tasks: [tasks[0]] }) as any).protectedTasks[0].protectionEnabled,
      false,
    );
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ["11 tasks (the limit is 10)", { tasks: Array.from({ length: 11 }, (_, i) => `t${i}`), protectionEnabled: true }],
    ["expiresInMinutes 0", { tasks: ["t"], protectionEnabled: true, expiresInMinutes: 0 }],
    ["expiresInMinutes 2881 (the limit is 48 hours)", { tasks: ["t"], protectionEnabled: true, expiresInMinutes: 2881 }],
  ];
  for (const [name, input] of bad) {
    it(`UpdateTaskProtection with ${name} → InvalidParameterException`, () => {
      const { sim } = setUp(1);
      assert.throws(
        () => sim.call("UpdateTaskProtection", { cluster: CLUSTER, ...input }),
        (e: Error) => e.name === "InvalidParameterException",
      );
    });
  }

  it("an unknown or stopped task is a failure entry, not an error", () => {
    const { sim } = setUp(1);
    const out = sim.call("UpdateTaskProtection", { cluster: CLUSTER, tasks: ["nope"], protectionEnabled: true }) as any;
    assert.deepEqual(out.protectedTasks, []);
    assert.equal(out.failures[0].reason, "MISSING");
  });
});

describe("simulator: ListServiceDeployments", () => {
  it("a rollout in progress is IN_PROGRESS, then SUCCESSFUL; the status filter narrows", () => {
    const { sim } = setUp(2);
    sim.call("UpdateService", { cluster: CLUSTER, service: "web", forceNewDeployment: true });
    const list = (status?: string[]) =>
      (sim.call("ListServiceDeployments", { cluster: CLUSTER, service: "web", status }) as any).serviceDeployments;
    assert.deepEqual(
      list(["IN_PROGRESS"]).map((d: any) => d.status),
      ["IN_PROGRESS"],
    );
    assert.match(list(["IN_PROGRESS"])[0].serviceDeploymentArn, /:service-deployment\/test\/web\/\d+$/);
    sim.settle(CLUSTER);
    assert.deepEqual(list(["PENDING", "IN_PROGRESS"]), []);
    assert.deepEqual(
      list().map((d: any) => d.status),
      ["SUCCESSFUL"],
    );
  });
});
