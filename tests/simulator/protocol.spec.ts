import { strict as assert } from "node:assert";
import {
  CreateServiceCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
  TagResourceCommand,
  UpdateServiceCommand,
  ListTagsForResourceCommand,
  UntagResourceCommand,
  DescribeTaskDefinitionCommand,
  UpdateContainerInstancesStateCommand,
} from "@aws-sdk/client-ecs";
import { EcsSimulator } from "../../simulator";
import { CLUSTER, addInstances, addService, newSimulator, sdkClient } from "./helpers";

describe("simulator wire protocol (real @aws-sdk/client-ecs against 127.0.0.1)", () => {
  let sim: EcsSimulator;
  let endpoint: string;
  let ecs: ECSClient;

  beforeEach(async () => {
    sim = newSimulator();
    endpoint = await sim.listen();
    ecs = sdkClient(endpoint, 1);
  });
  afterEach(async () => {
    ecs.destroy();
    await sim.close();
  });

  it("listens on 127.0.0.1 with an ephemeral port", () => {
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("AWS_ENDPOINT_URL_ECS routes a client without `endpoint` to the simulator", async () => {
    const saved = process.env.AWS_ENDPOINT_URL_ECS;
    process.env.AWS_ENDPOINT_URL_ECS = endpoint;
    try {
      const client = new ECSClient({ region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" }, maxAttempts: 1 });
      const out = await client.send(new ListClustersCommand({}));
      client.destroy();
      assert.deepEqual(out.clusterArns, ["arn:aws:ecs:us-east-1:123456789012:cluster/test"]);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ECS;
      else process.env.AWS_ENDPOINT_URL_ECS = saved;
    }
  });

  it("a service created through the API runs tasks; dates arrive as Date; ARNs have the ECS shapes", async () => {
    addInstances(sim, [{ zone: "us-east-1a" }, { zone: "us-east-1b" }]);
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: "web",
        containerDefinitions: [{ name: "web", image: "httpd", cpu: 128, memory: 128, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
      }),
    );
    assert.equal(td.taskDefinition?.revision, 1);
    await ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: "web", taskDefinition: "web", desiredCount: 2 }));
    sim.settle(CLUSTER);
    const { services } = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["web"] }));
    assert.equal(services?.[0].runningCount, 2);
    assert.ok(services?.[0].createdAt instanceof Date);
    assert.equal(services?.[0].deployments?.[0].rolloutState, "COMPLETED");
    const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, serviceName: "web" }));
    assert.equal(taskArns?.length, 2);
    const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: taskArns }));
    const task = tasks![0];
    assert.match(task.taskArn!, /^arn:aws:ecs:us-east-1:123456789012:task\/test\/[0-9a-f]{32}$/);
    assert.match(task.containerInstanceArn!, /^arn:aws:ecs:us-east-1:123456789012:container-instance\/test\/[0-9a-f]{32}$/);
    assert.equal(task.group, "service:web");
    assert.match(task.startedBy!, /^ecs-svc\/\d{19}$/);
    assert.ok(task.startedAt instanceof Date);
    const hostPort = task.containers?.[0].networkBindings?.[0].hostPort ?? 0;
    assert.ok(hostPort >= 32768 && hostPort <= 60999, `dynamic host port ${hostPort} in the ephemeral range`);
    const { containerInstances } = await ecs.send(
      new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [task.containerInstanceArn!] }),
    );
    const ci = containerInstances![0];
    assert.match(ci.ec2InstanceId!, /^i-[0-9a-f]{17}$/);
    assert.equal(ci.runningTasksCount, 1);
    assert.equal(ci.remainingResources?.find((r) => r.name === "CPU")?.integerValue, 2048 - 128);
    assert.ok(ci.remainingResources?.find((r) => r.name === "PORTS")?.stringSetValue?.includes(String(hostPort)));
    assert.ok(ci.registeredAt instanceof Date);
  });

  const errorCases: Array<[string, (c: ECSClient) => Promise<unknown>, string]> = [
    ["unknown cluster → ClusterNotFoundException", (c) => c.send(new ListServicesCommand({ cluster: "nope" })), "ClusterNotFoundException"],
    [
      "UpdateService of an unknown service → ServiceNotFoundException",
      (c) => c.send(new UpdateServiceCommand({ cluster: CLUSTER, service: "ghost", desiredCount: 1 })),
      "ServiceNotFoundException",
    ],
    [
      "DescribeServices with 11 services → InvalidParameterException",
      (c) => c.send(new DescribeServicesCommand({ cluster: CLUSTER, services: Array.from({ length: 11 }, (_, i) => `s${i}`) })),
      "InvalidParameterException",
    ],
    [
      "DescribeTasks with 101 tasks → InvalidParameterException",
      (c) => c.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks: Array.from({ length: 101 }, (_, i) => `t${i}`) })),
      "InvalidParameterException",
    ],
    [
      "DescribeContainerInstances with 101 → InvalidParameterException",
      (c) =>
        c.send(
          new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: Array.from({ length: 101 }, (_, i) => `c${i}`) }),
        ),
      "InvalidParameterException",
    ],
    [
      "StopTask of an unknown task → InvalidParameterException",
      (c) => c.send(new StopTaskCommand({ cluster: CLUSTER, task: "0123" })),
      "InvalidParameterException",
    ],
    [
      "CreateService with an unknown task definition → ClientException",
      (c) => c.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: "x", taskDefinition: "none", desiredCount: 1 })),
      "ClientException",
    ],
    [
      "ListServices maxResults 101 → InvalidParameterException",
      (c) => c.send(new ListServicesCommand({ cluster: CLUSTER, maxResults: 101 })),
      "InvalidParameterException",
    ],
  ];
  for (const [name, call, code] of errorCases) {
    it(name, async () => {
      await assert.rejects(call(ecs), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(err.name, code);
        assert.equal(err.$metadata?.httpStatusCode, 400);
        return true;
      });
    });
  }

  it("UpdateService of a deleted service → ServiceNotActiveException", async () => {
    addService(sim, "old", 0);
    sim.call("DeleteService", { cluster: CLUSTER, service: "old" });
    await assert.rejects(ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: "old", desiredCount: 1 })), {
      name: "ServiceNotActiveException",
    });
  });

  it("a denied operation → AccessDeniedException", async () => {
    sim.faults.deniedOperations = ["ListServices"];
    await assert.rejects(ecs.send(new ListServicesCommand({ cluster: CLUSTER })), { name: "AccessDeniedException" });
  });

  it("throttleRate 1 answers every call ThrottlingException 'Rate exceeded' (SDK retries off)", async () => {
    sim.faults.throttleRate = 1;
    await assert.rejects(ecs.send(new ListServicesCommand({ cluster: CLUSTER })), (err: Error) => {
      assert.equal(err.name, "ThrottlingException");
      assert.equal(err.message, "Rate exceeded");
      return true;
    });
  });

  it("throttleRate 0.5 throttles roughly half the calls, reproducibly for a seed", async () => {
    sim.faults.throttleRate = 0.5;
    let throttled = 0;
    for (let i = 0; i < 40; i++) {
      await ecs.send(new ListServicesCommand({ cluster: CLUSTER })).catch((e: Error) => {
        if (e.name === "ThrottlingException") throttled++;
      });
    }
    assert.ok(throttled > 8 && throttled < 32, `throttled ${throttled} of 40`);
    assert.equal(sim.apiCalls().byOperation.ListServices, 40, "throttled calls are still counted");
  });

  it("describeFailureRate 1 answers existing ARNs as failures with reason MISSING", async () => {
    const [arn] = addInstances(sim, [{ zone: "us-east-1a" }]);
    sim.faults.describeFailureRate = 1;
    const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [arn] }));
    assert.deepEqual(out.containerInstances, []);
    assert.deepEqual(out.failures, [{ arn, reason: "MISSING" }]);
  });

  it("DescribeServices puts unknown services in failures (MISSING) next to known ones", async () => {
    addService(sim, "web", 0);
    const out = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["web", "ghost"] }));
    assert.deepEqual(
      out.services?.map((s) => s.serviceName),
      ["web"],
    );
    assert.deepEqual(out.failures, [{ arn: "arn:aws:ecs:us-east-1:123456789012:service/test/ghost", reason: "MISSING" }]);
  });

  it("ListServices pages by 10 by default, honours maxResults, and nextToken walks every page once", async () => {
    for (let i = 0; i < 23; i++) addService(sim, `svc-${String(i).padStart(2, "0")}`, 0);
    const first = await ecs.send(new ListServicesCommand({ cluster: CLUSTER }));
    assert.equal(first.serviceArns?.length, 10);
    assert.ok(first.nextToken);
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, nextToken }));
      seen.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    assert.equal(seen.length, 23);
    assert.equal(new Set(seen).size, 23);
    const big = await ecs.send(new ListServicesCommand({ cluster: CLUSTER, maxResults: 100 }));
    assert.equal(big.serviceArns?.length, 23);
    assert.equal(big.nextToken, undefined);
  });

  it("ListTasks and ListContainerInstances page by 100", async () => {
    addInstances(sim, [{ zone: "us-east-1a", cpu: 100_000, memory: 100_000 }]);
    addService(sim, "many", 130, { cpu: 1, memory: 1 });
    sim.settle(CLUSTER);
    const first = await ecs.send(new ListTasksCommand({ cluster: CLUSTER }));
    assert.equal(first.taskArns?.length, 100);
    const second = await ecs.send(new ListTasksCommand({ cluster: CLUSTER, nextToken: first.nextToken }));
    assert.equal(second.taskArns?.length, 30);
    assert.equal(second.nextToken, undefined);
    const instances = await ecs.send(new ListContainerInstancesCommand({ cluster: CLUSTER }));
    assert.equal(instances.containerInstanceArns?.length, 1);
  });

  it("StopTask of a task already stopped returns it unchanged, without error", async () => {
    addInstances(sim, [{ zone: "us-east-1a" }]);
    addService(sim, "web", 1);
    sim.settle(CLUSTER);
    const [taskArn] = (await ecs.send(new ListTasksCommand({ cluster: CLUSTER }))).taskArns!;
    await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn, reason: "first" }));
    sim.advance(60);
    const again = await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: taskArn, reason: "second" }));
    assert.equal(again.task?.lastStatus, "STOPPED");
    assert.equal(again.task?.stoppedReason, "first");
    assert.equal(again.task?.stopCode, "UserInitiated");
  });

  it("tags: CreateService tags, TagResource and UntagResource show in DescribeServices include TAGS", async () => {
    const arn = addService(sim, "web", 0, { tags: [{ key: "team", value: "a" }] });
    await ecs.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: "env", value: "dev" }] }));
    await ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ["team"] }));
    const withTags = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["web"], include: ["TAGS"] }));
    assert.deepEqual(withTags.services?.[0].tags, [{ key: "env", value: "dev" }]);
    const without = await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["web"] }));
    assert.equal(without.services?.[0].tags, undefined);
    assert.deepEqual((await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags, [{ key: "env", value: "dev" }]);
  });

  it("UpdateContainerInstancesState DRAINING is visible in DescribeContainerInstances", async () => {
    const [arn] = addInstances(sim, [{ zone: "us-east-1a" }]);
    await ecs.send(new UpdateContainerInstancesStateCommand({ cluster: CLUSTER, containerInstances: [arn], status: "DRAINING" }));
    const out = await ecs.send(new DescribeContainerInstancesCommand({ cluster: CLUSTER, containerInstances: [arn] }));
    assert.equal(out.containerInstances?.[0].status, "DRAINING");
  });

  it("counts API calls per operation, split into reads (List*/Describe*) and writes; direct helpers are not counted", async () => {
    addService(sim, "web", 0);
    sim.setDesiredCount(CLUSTER, "web", 0);
    await ecs.send(new ListServicesCommand({ cluster: CLUSTER }));
    await ecs.send(new DescribeServicesCommand({ cluster: CLUSTER, services: ["web"] }));
    await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "web" }));
    await ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: "web", desiredCount: 0 }));
    assert.deepEqual(sim.apiCalls(), {
      byOperation: { ListServices: 1, DescribeServices: 1, DescribeTaskDefinition: 1, UpdateService: 1 },
      read: 3,
      write: 1,
    });
    sim.resetApiCalls();
    assert.deepEqual(sim.apiCalls(), { byOperation: {}, read: 0, write: 0 });
  });

  it("latencyMs delays responses in real time", async () => {
    sim.faults.latencyMs = 60;
    const started = Date.now();
    await ecs.send(new ListServicesCommand({ cluster: CLUSTER }));
    assert.ok(Date.now() - started >= 55);
  });
});
