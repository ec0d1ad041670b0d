import { strict as assert } from "node:assert";
import type { CreateServiceRequest } from "@aws-sdk/client-ecs";
import {
  DescribeServicesCommand,
  ListTasksCommand,
  DescribeTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import type { EcsSimulator } from "../../simulator";
import { CLUSTER, addInstances, addService, countsOn, newSimulator, runningPerZone, sdkClient, zoneOf } from "./helpers";

const A = "us-east-1a";
const B = "us-east-1b";
const C = "us-east-1c";
const zoneThenInstance = [
  { type: "spread" as const, field: "attribute:ecs.availability-zone" },
  { type: "spread" as const, field: "instanceId" },
];

/** Advances tick by tick, recording the extremes the deployment bounds constrain. */
function watch(sim: EcsSimulator, service: string, seconds: number): { minRunning: number; maxActive: number } {
  let minRunning = Infinity;
  let maxActive = 0;
  for (let t = 0; t < seconds; t++) {
    sim.advance(1);
    const tasks = [...sim.state.cluster(CLUSTER).services.get(service)!.tasks].filter((x) => x.desiredStatus === "RUNNING");
    minRunning = Math.min(minRunning, tasks.filter((x) => x.lastStatus === "RUNNING").length);
    maxActive = Math.max(maxActive, tasks.length);
  }
  return { minRunning, maxActive };
}

describe("simulator service scheduler", () => {
  describe("scale-in", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      it(`under zone spread keeps zones balanced: 6 → 2 on (1a, 1a, 1b) leaves one task per zone (seed ${seed})`, () => {
        const sim = newSimulator({ seed });
        addInstances(sim, [{ zone: A }, { zone: A }, { zone: B }]);
        addService(sim, "svc", 6);
        sim.settle(CLUSTER);
        sim.setDesiredCount(CLUSTER, "svc", 2);
        sim.settle(CLUSTER);
        assert.deepEqual(runningPerZone(sim, "svc"), { [A]: 1, [B]: 1 });
      });
    }

    it("under zone-then-instance spread stops from the fullest zone and instance: (2,2 | 3) → 3 leaves (1,1 | 1)", () => {
      const sim = newSimulator();
      const instances = addInstances(sim, [{ zone: A }, { zone: A }, { zone: B, memory: 384 }]);
      addService(sim, "svc", 7, { placementStrategy: zoneThenInstance });
      sim.settle(CLUSTER);
      assert.deepEqual(countsOn(sim, instances, "svc"), [2, 2, 3]);
      sim.setDesiredCount(CLUSTER, "svc", 3);
      sim.settle(CLUSTER);
      assert.deepEqual(countsOn(sim, instances, "svc"), [1, 1, 1]);
    });

    const zoneOnly: Array<{ name: string; strategy?: CreateServiceRequest["placementStrategy"] }> = [
      { name: "with no strategy" },
      { name: "under spread by zone", strategy: [{ type: "spread", field: "attribute:ecs.availability-zone" }] },
    ];
    for (const c of zoneOnly) {
      it(`${c.name} stops from the fullest zone, on its instance with the most tasks of the service: (2,1 | 3) → 4 leaves (1,1 | 2)`, () => {
        for (let seed = 1; seed <= 8; seed++) {
          const sim = newSimulator({ seed });
          const instances = addInstances(sim, [{ zone: A }, { zone: A }, { zone: B }]);
          addService(sim, "svc", 6, c.strategy ? { placementStrategy: c.strategy } : {});
          sim.settle(CLUSTER);
          const before = countsOn(sim, instances, "svc");
          assert.deepEqual([Math.max(before[0], before[1]), Math.min(before[0], before[1]), before[2]], [2, 1, 3], `seed ${seed}`);
          sim.setDesiredCount(CLUSTER, "svc", 4);
          sim.settle(CLUSTER);
          // a random pick within 1a could stop the task of the instance holding one, leaving (2,0 | 2)
          assert.deepEqual(countsOn(sim, instances, "svc"), [1, 1, 2], `seed ${seed}, from ${before}`);
        }
      });
    }

    it("under binpack stops the task that leaves the most resources free: (3 | 1) → 3 leaves (3 | 0)", () => {
      const sim = newSimulator();
      const instances = addInstances(sim, [
        { zone: A, memory: 400 },
        { zone: B, memory: 400 },
      ]);
      addService(sim, "svc", 4, { placementStrategy: [{ type: "binpack", field: "memory" }] });
      sim.settle(CLUSTER);
      const before = countsOn(sim, instances, "svc");
      assert.deepEqual([...before].sort(), [1, 3]);
      sim.setDesiredCount(CLUSTER, "svc", 3);
      sim.settle(CLUSTER);
      assert.deepEqual(
        countsOn(sim, instances, "svc"),
        before.map((n) => (n === 3 ? 3 : 0)),
      );
    });

    it("a plain desiredCount change does not create a new deployment", () => {
      const sim = newSimulator();
      addInstances(sim, [{ zone: A }]);
      addService(sim, "svc", 2);
      sim.settle(CLUSTER);
      const before = sim.state
        .cluster(CLUSTER)
        .services.get("svc")!
        .deployments.map((d) => d.id);
      sim.setDesiredCount(CLUSTER, "svc", 5);
      sim.settle(CLUSTER);
      assert.deepEqual(
        sim.state
          .cluster(CLUSTER)
          .services.get("svc")!
          .deployments.map((d) => d.id),
        before,
      );
    });
  });

  describe("DRAINING instances", () => {
    const bounds: Array<[number, number, number, number]> = [
      // [minimumHealthyPercent, maximumPercent, lowest RUNNING allowed, most tasks allowed] for desired 4
      [100, 200, 4, 8],
      [50, 100, 2, 4],
      [50, 150, 2, 6],
    ];
    for (const [min, max, floor, ceiling] of bounds) {
      it(`replaces tasks elsewhere within ${min}/${max}: RUNNING never below ${floor}, never more than ${ceiling} tasks`, () => {
        const sim = newSimulator();
        const [drained, ...others] = addInstances(sim, [{ zone: A }, { zone: B }, { zone: C }]);
        addService(sim, "svc", 4, {
          deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max },
          placementStrategy: zoneThenInstance,
        });
        sim.settle(CLUSTER);
        assert.ok(countsOn(sim, [drained], "svc")[0] > 0);
        sim.drainInstance(drained);
        const seen = watch(sim, "svc", 120);
        assert.ok(seen.minRunning >= floor, `RUNNING fell to ${seen.minRunning}`);
        assert.ok(seen.maxActive <= ceiling, `${seen.maxActive} tasks at once`);
        assert.deepEqual(countsOn(sim, [drained], "svc"), [0]);
        assert.equal(
          countsOn(sim, others, "svc").reduce((a, b) => a + b, 0),
          4,
        );
        assert.ok(sim.isSteady(CLUSTER));
      });
    }

    it("with 100/100 nothing can move: the drained tasks stay and the cluster never becomes steady", () => {
      const sim = newSimulator();
      const [drained] = addInstances(sim, [{ zone: A }, { zone: B }]);
      addService(sim, "svc", 2, { deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 100 } });
      sim.settle(CLUSTER);
      sim.drainInstance(drained);
      sim.advance(300);
      assert.deepEqual(countsOn(sim, [drained], "svc"), [1]);
      assert.equal(sim.isSteady(CLUSTER), false);
    });
  });

  describe("deployments", () => {
    const bounds: Array<[number, number, number, number]> = [
      [100, 200, 4, 8],
      [50, 100, 2, 4],
      [0, 100, 0, 4],
    ];
    for (const [min, max, floor, ceiling] of bounds) {
      it(`forceNewDeployment replaces every task within ${min}/${max} and rolloutState goes IN_PROGRESS → COMPLETED`, async () => {
        const sim = newSimulator();
        const endpoint = await sim.listen();
        const ecs = sdkClient(endpoint, 1);
        try {
          addInstances(sim, [{ zone: A }, { zone: B }]);
          addService(sim, "svc", 4, { deploymentConfiguration: { minimumHealthyPercent: min, maximumPercent: max } });
          sim.settle(CLUSTER);
          const oldTasks = new Set((await ecs.send(new ListTasksCommand({ cluster: CLUSTER }))).taskArns);
          await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: "svc", forceNewDeployment: true }));
          const during = (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["svc"] }))).services![0];
          assert.deepEqual(
            during.deployments?.map((d) => [d.status, d.rolloutState]),
            [
              ["PRIMARY", "IN_PROGRESS"],
              ["ACTIVE", "COMPLETED"],
            ],
          );
          const seen = watch(sim, "svc", 180);
          assert.ok(seen.minRunning >= floor, `RUNNING fell to ${seen.minRunning}`);
          assert.ok(seen.maxActive <= ceiling, `${seen.maxActive} tasks at once`);
          const after = (await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["svc"] }))).services![0];
          assert.deepEqual(
            after.deployments?.map((d) => [d.status, d.rolloutState, d.runningCount]),
            [["PRIMARY", "COMPLETED", 4]],
          );
          const newTasks = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER }))).taskArns!;
          assert.equal(newTasks.filter((t) => oldTasks.has(t)).length, 0, "every task was replaced");
        } finally {
          ecs.destroy();
          await sim.close();
        }
      });
    }

    it("a new task definition revision starts a new PRIMARY deployment", () => {
      const sim = newSimulator();
      addInstances(sim, [{ zone: A }]);
      addService(sim, "svc", 1);
      sim.settle(CLUSTER);
      const revision2 = sim.registerTaskDefinition({
        family: "svc",
        containerDefinitions: [{ name: "svc", image: "httpd:2", memory: 128 }],
      });
      sim.updateService(CLUSTER, { service: "svc", taskDefinition: "svc" });
      const service = sim.state.cluster(CLUSTER).services.get("svc")!;
      assert.equal(service.deployments.length, 2);
      sim.settle(CLUSTER);
      assert.equal([...service.tasks][0].taskDefinitionArn, revision2);
      assert.equal(sim.metrics().taskDefinitionsRegistered, 2);
    });

    it("the circuit breaker marks a rollout FAILED after tasks fail to place for 10 minutes", () => {
      const sim = newSimulator();
      addInstances(sim, [{ zone: A, memory: 64 }]);
      addService(sim, "svc", 1, { deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: false } } });
      sim.advance(9 * 60);
      const deployment = () => sim.state.cluster(CLUSTER).services.get("svc")!.deployments[0];
      assert.equal(deployment().rolloutState, "IN_PROGRESS");
      sim.advance(2 * 60);
      assert.equal(deployment().rolloutState, "FAILED");
    });
  });

  describe("StopTask and lost instances", () => {
    it("StopTask: the replacement is placed by the strategy (back in the emptied zone) and counted", async () => {
      const sim = newSimulator();
      const endpoint = await sim.listen();
      const ecs = sdkClient(endpoint, 1);
      try {
        addInstances(sim, [{ zone: A }, { zone: B }, { zone: C }]);
        addService(sim, "svc", 3, { placementStrategy: zoneThenInstance });
        sim.settle(CLUSTER);
        const arns = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: "svc" }))).taskArns!;
        const victim = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [arns[0]] }))).tasks![0];
        await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: victim.taskArn, reason: "rebalance" }));
        sim.settle(CLUSTER);
        assert.deepEqual(runningPerZone(sim, "svc"), { [A]: 1, [B]: 1, [C]: 1 });
        const stopped = (await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: [victim.taskArn!] }))).tasks![0];
        assert.equal(stopped.lastStatus, "STOPPED");
        assert.equal(stopped.stoppedReason, "rebalance");
        assert.deepEqual({ stops: sim.metrics().tasksStoppedByStopTask, calls: sim.metrics().stopTaskCalls }, { stops: 1, calls: 1 });
      } finally {
        ecs.destroy();
        await sim.close();
      }
    });

    it("StopTask is not bounded by minimumHealthyPercent: RUNNING drops below desired until the replacement runs", () => {
      const sim = newSimulator();
      addInstances(sim, [{ zone: A }]);
      addService(sim, "svc", 2);
      sim.settle(CLUSTER);
      sim.resetMetrics();
      const task = [...sim.state.cluster(CLUSTER).services.get("svc")!.tasks][0];
      sim.stopTask(CLUSTER, task.arn);
      sim.settle(CLUSTER);
      assert.equal(sim.metrics().minRunning.svc, 1);
    });

    it("a lost instance's tasks go STOPPED (TaskFailedToStart, 'Host EC2 instance terminated') and are replaced", () => {
      const sim = newSimulator();
      const [lost, survivor] = addInstances(sim, [{ zone: A }, { zone: B }]);
      addService(sim, "svc", 2);
      sim.settle(CLUSTER);
      const onLost = [...sim.state.containerInstanceByArn(lost).tasks][0];
      sim.loseInstance(lost);
      assert.deepEqual(
        [onLost.lastStatus, onLost.stopCode, onLost.stoppedReason],
        ["STOPPED", "TaskFailedToStart", "Host EC2 instance terminated"],
      );
      assert.equal(sim.state.containerInstanceByArn(lost).status, "INACTIVE");
      sim.settle(CLUSTER);
      assert.deepEqual(countsOn(sim, [survivor], "svc"), [2]);
      assert.equal(Object.keys(sim.distribution(CLUSTER)).includes(lost), false);
    });

    it("STOPPED tasks stay describable for about an hour of virtual time", () => {
      const sim = newSimulator();
      addInstances(sim, [{ zone: A }]);
      addService(sim, "svc", 1);
      sim.settle(CLUSTER);
      const task = [...sim.state.cluster(CLUSTER).services.get("svc")!.tasks][0];
      sim.stopTask(CLUSTER, task.arn);
      sim.advance(50 * 60);
      assert.ok(sim.state.task(sim.state.cluster(CLUSTER), task.arn));
      sim.advance(15 * 60);
      assert.equal(sim.state.task(sim.state.cluster(CLUSTER), task.arn), undefined);
    });
  });

  describe("DAEMON services", () => {
    it("run one task per ACTIVE instance, including instances registered later", () => {
      const sim = newSimulator();
      const first = addInstances(sim, [{ zone: A }, { zone: B }]);
      sim.registerTaskDefinition({ family: "agent", containerDefinitions: [{ name: "agent", image: "x", cpu: 32, memory: 32 }] });
      sim.createService(CLUSTER, { serviceName: "agent", taskDefinition: "agent", schedulingStrategy: "DAEMON" });
      sim.settle(CLUSTER);
      const later = addInstances(sim, [{ zone: C }]);
      sim.settle(CLUSTER);
      assert.deepEqual(countsOn(sim, [...first, ...later], "agent"), [1, 1, 1]);
      assert.equal(sim.state.cluster(CLUSTER).services.get("agent")!.desiredCount, 3);
    });
  });

  it("minRunning tracks the lowest RUNNING count per service since resetMetrics()", () => {
    const sim = newSimulator();
    const [a] = addInstances(sim, [{ zone: A }, { zone: B }]);
    addService(sim, "svc", 2);
    sim.settle(CLUSTER);
    sim.resetMetrics();
    assert.equal(sim.metrics().minRunning.svc, 2);
    sim.loseInstance(a);
    sim.settle(CLUSTER);
    assert.equal(sim.metrics().minRunning.svc, 1);
    assert.equal(zoneOf(sim, Object.keys(sim.distribution(CLUSTER))[0]), B);
  });
});
