import * as assert from "assert";
import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { DESCRIBE_LIMITS } from "../../handler/ecsPort";
import { readSnapshot } from "../../handler/snapshot";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER, CLUSTER_ARN, InstanceSpec, serviceArn, ServiceSpec, taskDefinitionArn } from "./fixtures";

/** 205 instances, 23 services, 250 tasks: every Describe needs three batches. */
function bigCluster(): FakeEcs {
  const services: ServiceSpec[] = Array.from({ length: 23 }, (_, k) => ({ name: `svc${String(k).padStart(2, "0")}` }));
  const instances: InstanceSpec[] = Array.from({ length: 205 }, (_, i) => ({
    zone: i % 2 ? "b" : "a",
    tasks: { [services[i % 23].name]: i < 45 ? 2 : 1 },
  }));
  return new FakeEcs(buildSnapshot(instances, services));
}

const batches = (fake: FakeEcs, op: "describeContainerInstances" | "describeServices" | "describeTasks") =>
  fake.calls.filter((c) => c.op === op).map((c) => (c.args[1] as string[]).length);

describe("snapshot: reading a cluster", () => {
  const cases: Array<["describeContainerInstances" | "describeServices" | "describeTasks", number, number[]]> = [
    ["describeContainerInstances", DESCRIBE_LIMITS.containerInstances, [100, 100, 5]],
    ["describeServices", DESCRIBE_LIMITS.services, [10, 10, 3]],
    ["describeTasks", DESCRIBE_LIMITS.tasks, [100, 100, 50]],
  ];
  for (const [op, limit, expected] of cases) {
    it(`${op} in batches of ${limit} → ${expected.join(", ")}`, async () => {
      const fake = bigCluster();
      const { snapshot, failures } = await readSnapshot(fake, CLUSTER_ARN);
      assert.deepStrictEqual(batches(fake, op), expected);
      assert.deepStrictEqual(failures, []);
      assert.deepStrictEqual([snapshot.containerInstances.length, snapshot.services.length, snapshot.tasks.length], [205, 23, 250]);
    });
  }

  it("lists once each (pagination is the SDK port's job) and reads nothing else", async () => {
    const fake = bigCluster();
    await readSnapshot(fake, CLUSTER_ARN);
    for (const op of ["listContainerInstances", "listServices", "listTasks"] as const) assert.strictEqual(fake.count(op), 1, op);
    assert.deepStrictEqual(fake.writes(), []);
  });

  it("an empty cluster: no Describe call (ECS rejects an empty list), the cluster ARN is the one asked for", async () => {
    const fake = new FakeEcs(buildSnapshot([], []));
    const { snapshot } = await readSnapshot(fake, CLUSTER_ARN);
    assert.strictEqual(fake.count(), 3);
    assert.strictEqual(snapshot.clusterArn, CLUSTER_ARN);
  });

  it("a cluster named, not ARN'd, with instances only: the ARN is derived from an instance ARN", async () => {
    const fake = new FakeEcs(buildSnapshot([{ zone: "a" }], []));
    const { snapshot } = await readSnapshot(fake, CLUSTER);
    assert.strictEqual(snapshot.clusterArn, CLUSTER_ARN);
  });
});

describe("snapshot: Describe failures", () => {
  const snapshot = () =>
    buildSnapshot(
      [
        { zone: "a", tasks: { web: 2 } },
        { zone: "b", tasks: { web: 1 } },
      ],
      [{ name: "web" }],
    );

  it("a failure answered once is asked again, alone, and the item is read", async () => {
    const fake = new FakeEcs(snapshot());
    fake.failDescribe(serviceArn("web"));
    const read = await readSnapshot(fake, CLUSTER_ARN);
    assert.deepStrictEqual(batches(fake, "describeServices"), [1, 1]);
    assert.deepStrictEqual(read.failures, []);
    assert.strictEqual(read.snapshot.services.length, 1);
  });

  it("a failure answered twice is reported and the item left out (retried once, not more)", async () => {
    const fake = new FakeEcs(snapshot());
    const task = fake.state.tasks[0].taskArn!;
    fake.failDescribe(task, { times: 2, reason: "MISSING" });
    const read = await readSnapshot(fake, CLUSTER_ARN);
    assert.deepStrictEqual(batches(fake, "describeTasks"), [3, 1]);
    assert.deepStrictEqual(read.failures, [{ arn: task, reason: "MISSING" }]);
    assert.strictEqual(read.snapshot.tasks.length, 2);
  });

  it("retries go in batches within the limit too: 15 failing services → retried as 10 + 5", async () => {
    const services: ServiceSpec[] = Array.from({ length: 15 }, (_, k) => ({ name: `svc${String(k).padStart(2, "0")}` }));
    const fake = new FakeEcs(buildSnapshot([{ zone: "a" }], services));
    for (const s of services) fake.failDescribe(serviceArn(s.name));
    await readSnapshot(fake, CLUSTER_ARN);
    assert.deepStrictEqual(batches(fake, "describeServices"), [10, 5, 10, 5]);
  });
});

describe("snapshot: task definitions", () => {
  const services: ServiceSpec[] = [
    { name: "web" },
    { name: "api", patch: { taskDefinition: taskDefinitionArn("web") } },
    { name: "agent", schedulingStrategy: "DAEMON" },
  ];
  const snapshot = () => buildSnapshot([{ zone: "a", tasks: { web: 1, api: 1 } }], services);

  it("read once per revision: two services on one revision → one call; DAEMON services' not read", async () => {
    const fake = new FakeEcs(snapshot());
    const read = await readSnapshot(fake, CLUSTER_ARN);
    assert.deepStrictEqual(
      fake.calls.filter((c) => c.op === "describeTaskDefinition").map((c) => c.args[0]),
      [taskDefinitionArn("web")],
    );
    assert.deepStrictEqual(
      read.snapshot.taskDefinitions.map((d) => d.taskDefinitionArn),
      [taskDefinitionArn("web")],
    );
  });

  it("a cache kept across calls (a warm Lambda) is not read again; without it every call reads", async () => {
    const fake = new FakeEcs(snapshot());
    const cache = new Map<string, TaskDefinition>();
    await readSnapshot(fake, CLUSTER_ARN, cache);
    await readSnapshot(fake, CLUSTER_ARN, cache);
    assert.strictEqual(fake.count("describeTaskDefinition"), 1);
    assert.ok(cache.has(taskDefinitionArn("web")));
    await readSnapshot(fake, CLUSTER_ARN);
    assert.strictEqual(fake.count("describeTaskDefinition"), 2);
  });
});
