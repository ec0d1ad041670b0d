import { strict as assert } from "node:assert";
import type { CreateServiceRequest } from "@aws-sdk/client-ecs";
import type { EcsSimulator } from "../../simulator";
import { CLUSTER, addInstances, addService, newSimulator, runningPerZone } from "./helpers";

const A = "us-east-1a";
const B = "us-east-1b";
const ZONE_SPREAD = { type: "spread" as const, field: "attribute:ecs.availability-zone" };

function describeService(sim: EcsSimulator, name: string): Record<string, any> {
  return (sim.call("DescribeServices", { cluster: CLUSTER, services: [name] }) as any).services[0];
}

/** 4 tasks all in zone a (zone b's instance joins later), then watched until steady. */
function unevenService(options: Partial<CreateServiceRequest> = {}, sim = newSimulator({ azRebalancingDelaySeconds: 30 })) {
  addInstances(sim, [{ zone: A }]);
  addService(sim, "web", 4, { placementStrategy: [ZONE_SPREAD, { type: "spread", field: "instanceId" }], ...options });
  sim.settle(CLUSTER);
  addInstances(sim, [{ zone: B }]);
  return sim;
}

describe("simulator: ECS's Availability Zone rebalancing", () => {
  describe("CreateService's default", () => {
    const cases: Array<[string, Partial<CreateServiceRequest>, string]> = [
      ["no value, no strategy (spread by zone) → ENABLED", {}, "ENABLED"],
      [
        "no value, spread by zone then instance → ENABLED",
        { placementStrategy: [ZONE_SPREAD, { type: "spread", field: "instanceId" }] },
        "ENABLED",
      ],
      ["no value, binpack first → DISABLED (not compatible)", { placementStrategy: [{ type: "binpack", field: "memory" }] }, "DISABLED"],
      [
        "no value, maximumPercent 100 → DISABLED (no room to start before stopping)",
        { deploymentConfiguration: { maximumPercent: 100, minimumHealthyPercent: 50 } },
        "DISABLED",
      ],
      [
        "no value, a constraint on the zone → DISABLED",
        { placementConstraints: [{ type: "memberOf", expression: `attribute:ecs.availability-zone == ${A}` }] },
        "DISABLED",
      ],
      ["DISABLED given on a compatible service → DISABLED", { availabilityZoneRebalancing: "DISABLED" }, "DISABLED"],
    ];
    for (const [name, options, expected] of cases) {
      it(name, () => {
        const sim = newSimulator();
        addInstances(sim, [{ zone: A }, { zone: B }]);
        addService(sim, "web", 2, options);
        assert.equal(describeService(sim, "web").availabilityZoneRebalancing, expected);
      });
    }
    it("UpdateService changes it (a value outside the enum is the model check's to refuse)", () => {
      const sim = newSimulator();
      addInstances(sim, [{ zone: A }]);
      addService(sim, "web", 2);
      sim.call("UpdateService", { cluster: CLUSTER, service: "web", availabilityZoneRebalancing: "DISABLED" });
      assert.equal(describeService(sim, "web").availabilityZoneRebalancing, "DISABLED");
    });
  });

  describe("a round", () => {
    it("(4 | 0) ENABLED → (2 | 2): start in the emptiest zone first, never below 4 running, no deployment, no desired-count change", () => {
      const sim = unevenService();
      const deployment = describeService(sim, "web").deployments[0].id;
      let minRunning = Infinity;
      let maxActive = 0;
      for (let t = 0; t < 200; t++) {
        sim.advance(1);
        const tasks = [...sim.state.cluster(CLUSTER).services.get("web")!.tasks].filter((x) => x.desiredStatus === "RUNNING");
        minRunning = Math.min(minRunning, tasks.filter((x) => x.lastStatus === "RUNNING").length);
        maxActive = Math.max(maxActive, tasks.length);
      }
      assert.deepEqual(runningPerZone(sim, "web"), { [A]: 2, [B]: 2 });
      assert.equal(minRunning, 4, "start before stop: never fewer than desired running");
      assert.ok(maxActive <= 8 && maxActive > 4, `within maximumPercent 200 (${maxActive})`);
      const service = describeService(sim, "web");
      assert.equal(service.desiredCount, 4);
      assert.deepEqual(
        service.deployments.map((d: any) => d.id),
        [deployment],
      );
      const messages = service.events.map((e: any) => e.message).join("\n");
      assert.match(messages, /SERVICE_REBALANCING_STARTED/);
      assert.match(messages, /SERVICE_REBALANCING_COMPLETED/);
      const stopped = (sim.call("ListTasks", { cluster: CLUSTER, desiredStatus: "STOPPED" }) as any).taskArns;
      const reasons = (sim.call("DescribeTasks", { cluster: CLUSTER, tasks: stopped }) as any).tasks.map((t: any) => t.stoppedReason);
      assert.equal(reasons.length, 2);
      for (const reason of reasons) assert.match(reason, /^Availability-zone rebalancing initiated by \(deployment ecs-svc\/\d+\)$/);
    });

    it("nothing happens before the trigger delay (30 s here); the cluster is not steady while a round is due", () => {
      const sim = unevenService();
      sim.advance(20);
      assert.deepEqual(runningPerZone(sim, "web"), { [A]: 4, [B]: 0 });
      assert.equal(sim.isSteady(CLUSTER), false, "a round is due");
      sim.settle(CLUSTER);
      assert.deepEqual(runningPerZone(sim, "web"), { [A]: 2, [B]: 2 });
    });

    it("control: DISABLED → the zones stay (4 | 0) and the cluster is steady", () => {
      const sim = unevenService({ availabilityZoneRebalancing: "DISABLED" });
      sim.settle(CLUSTER);
      sim.advance(300);
      assert.deepEqual(runningPerZone(sim, "web"), { [A]: 4, [B]: 0 });
      assert.equal(sim.isSteady(CLUSTER), true);
    });

    it("a protected task is never the one a round stops", () => {
      const sim = unevenService();
      const tasks = (sim.call("ListTasks", { cluster: CLUSTER, serviceName: "web" }) as any).taskArns as string[];
      sim.call("UpdateTaskProtection", { cluster: CLUSTER, tasks, protectionEnabled: true, expiresInMinutes: 60 });
      sim.advance(200);
      const running = (sim.call("ListTasks", { cluster: CLUSTER, serviceName: "web" }) as any).taskArns as string[];
      for (const task of tasks) assert.ok(running.includes(task), "every protected task still runs");
    });
  });
});
