import { strict as assert } from "node:assert";
import { MAX_STOP_TIMEOUT_SECONDS, stopTimeoutFor, WebService, WebServiceArgs } from "../../infra/webService";
import { MockSession, settle, startMockSession, valueOf } from "./pulumiMocks";

const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/rebalance-demo";
const TG_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-tg/73e2d6bc24d8a067";

const baseArgs: WebServiceArgs = {
  clusterArn: CLUSTER_ARN,
  capacityProviderName: "cp-demo-1a2b3c4",
  targetGroupArn: TG_ARN,
  listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/demo/1/2",
  deregistrationDelaySeconds: 30,
  image: "docker.io/nginxinc/nginx-unprivileged@sha256:5aea7cc516b419e3526f47dd1531be31a56a046cfe44754d94f9383e13e2ee99",
  cpu: 128,
  memory: 128,
  desiredCount: 2,
  logRetentionDays: 14,
  containerPort: 8080,
  user: "101",
};

async function build(overrides: Partial<WebServiceArgs> = {}): Promise<{ session: MockSession; web: WebService }> {
  const session = await startMockSession();
  const web = new WebService("web", { ...baseArgs, ...overrides });
  await settle(session);
  return { session, web };
}

function container(session: MockSession): any {
  const definitions = JSON.parse(session.one(TASK_DEF).inputs.containerDefinitions);
  assert.equal(definitions.length, 1);
  return definitions[0];
}

describe("infra/webService: WebService", () => {
  it("keeps its logs in a log group with the configured retention", async () => {
    const { session } = await build({ logRetentionDays: 30 });
    assert.equal(session.one(LOG_GROUP).inputs.retentionInDays, 30);
  });

  it("has a task execution role trusted by ecs-tasks.amazonaws.com with AmazonECSTaskExecutionRolePolicy", async () => {
    const { session } = await build();
    const role = session.one(ROLE);
    assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [
      { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const attachment = session.one(ATTACHMENT).inputs;
    assert.equal(attachment.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
    assert.equal(attachment.role, "web-execution-role-1a2b3c4");
    assert.equal(session.one(TASK_DEF).inputs.executionRoleArn, "arn:aws:iam::123456789012:role/web-execution-role-1a2b3c4");
  });

  describe("task definition", () => {
    it("is a bridge-mode EC2 task definition", async () => {
      const { session } = await build();
      const td = session.one(TASK_DEF).inputs;
      assert.equal(td.family, "web");
      assert.equal(td.networkMode, "bridge");
      assert.deepEqual(td.requiresCompatibilities, ["EC2"]);
    });

    it("runs the configured image with its cpu and memory on a dynamic host port for container port 8080", async () => {
      const { session } = await build({ image: "nginx:1.27", cpu: 256, memory: 512 });
      const web = container(session);
      assert.equal(web.image, "nginx:1.27");
      assert.equal(web.cpu, 256);
      assert.equal(web.memory, 512);
      assert.equal(web.essential, true);
      assert.deepEqual(web.portMappings, [{ containerPort: 8080, hostPort: 0, protocol: "tcp" }]);
    });

    it("sends logs to the log group with the awslogs driver in the stack's region", async () => {
      const { session } = await build();
      const web = container(session);
      assert.equal(web.logConfiguration.logDriver, "awslogs");
      assert.equal(web.logConfiguration.options["awslogs-group"], "web-logs-1a2b3c4");
      assert.equal(web.logConfiguration.options["awslogs-region"], "us-east-1");
    });

    for (const delay of [0, 30, 45, 120]) {
      it(`stopTimeout covers a deregistration delay of ${delay} s and stays within ECS's 120 s`, async () => {
        const { session } = await build({ deregistrationDelaySeconds: delay });
        const { stopTimeout } = container(session);
        assert.ok(stopTimeout >= delay, `stopTimeout ${stopTimeout} < deregistration delay ${delay}`);
        assert.ok(stopTimeout <= MAX_STOP_TIMEOUT_SECONDS);
        assert.equal(stopTimeout, Math.max(delay, 30));
      });
    }

    it("stopTimeoutFor refuses a delay ECS could not cover", () => {
      assert.throws(() => stopTimeoutFor(121), /must not exceed ECS's maximum stopTimeout of 120/);
    });
  });

  describe("service", () => {
    it("is named web and runs the task definition in the cluster on its capacity provider", async () => {
      const { session, web } = await build();
      const service = session.one(SERVICE).inputs;
      assert.equal(service.name, "web");
      assert.equal(service.cluster, CLUSTER_ARN);
      assert.equal(service.taskDefinition, await valueOf(web.taskDefinitionArn));
      assert.equal(service.desiredCount, 2);
      assert.deepEqual(
        service.capacityProviderStrategies.map((s: any) => [s.capacityProvider, s.weight]),
        [["cp-demo-1a2b3c4", 1]],
      );
      assert.equal(service.launchType, undefined);
    });

    it("spreads over Availability Zones, then over instances", async () => {
      const { session } = await build();
      assert.deepEqual(
        session.one(SERVICE).inputs.orderedPlacementStrategies.map((s: any) => ({ ...s })),
        [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "spread", field: "instanceId" },
        ],
      );
    });

    it("ECS.20 and ECS.4: runs as the configured non-root user, never privileged, with every capability dropped", async () => {
      const { session } = await build({ user: "101:101" });
      const web = container(session);
      assert.equal(web.user, "101:101");
      assert.equal(web.privileged, false);
      assert.deepEqual(web.linuxParameters.capabilities, { drop: ["ALL"] });
    });

    it("ECS.5: has a read-only root filesystem, with noexec tmpfs scratch space at /tmp, /var/cache/nginx and /var/run", async () => {
      const { session } = await build();
      const web = container(session);
      assert.equal(web.readonlyRootFilesystem, true);
      assert.deepEqual(
        web.linuxParameters.tmpfs.map((t: any) => [t.containerPath, t.mountOptions.includes("noexec")]),
        [
          ["/tmp", true],
          ["/var/cache/nginx", true],
          ["/var/run", true],
        ],
      );
    });

    it("deploys with the circuit breaker and rollback, 100 % minimum healthy and 200 % maximum", async () => {
      const { session } = await build();
      const service = session.one(SERVICE).inputs;
      assert.deepEqual({ ...service.deploymentCircuitBreaker }, { enable: true, rollback: true });
      assert.equal(service.deploymentMinimumHealthyPercent, 100);
      assert.equal(service.availabilityZoneRebalancing, "ENABLED", "set explicitly, not left to a creation-date default");
      assert.equal(service.deploymentMaximumPercent, 200);
    });

    it("registers container web:8080 in the target group, with a health check grace period", async () => {
      const { session } = await build({ healthCheckGracePeriodSeconds: 90 });
      const service = session.one(SERVICE).inputs;
      assert.deepEqual(
        service.loadBalancers.map((l: any) => ({ ...l })),
        [{ targetGroupArn: TG_ARN, containerName: "web", containerPort: 8080 }],
      );
      assert.equal(container(session).name, "web");
      assert.equal(service.healthCheckGracePeriodSeconds, 90);
      assert.equal((await build()).session.one(SERVICE).inputs.healthCheckGracePeriodSeconds, 60);
    });

    it("propagates service tags with ECS managed tags and does not wait for steady state", async () => {
      const { session } = await build();
      const service = session.one(SERVICE).inputs;
      assert.equal(service.propagateTags, "SERVICE");
      assert.equal(service.enableEcsManagedTags, true);
      assert.equal(service.waitForSteadyState, false);
    });

    it("ignores desiredCount changes so run-time scaling survives `pulumi up`", async () => {
      const { session } = await build();
      assert.deepEqual(session.one(SERVICE).ignoreChanges, ["desiredCount"]);
    });
  });

  it("exposes the service name, the service ARN (its id) and the task definition ARN", async () => {
    const { web } = await build();
    assert.equal(await valueOf(web.serviceName), "web");
    assert.equal(await valueOf(web.serviceArn), "arn:aws:ecs:us-east-1:123456789012:service/rebalance-demo/web");
    assert.equal(await valueOf(web.taskDefinitionArn), "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1");
  });

  it("registers as ecs-rebalancer:infra:WebService, parents every child to itself and registers its outputs", async () => {
    const { session } = await build();
    const component = session.one("ecs-rebalancer:infra:WebService");
    const children = session.resources.filter((r) => r !== component);
    assert.deepEqual(children.map((r) => r.type).sort(), [LOG_GROUP, ROLE, ATTACHMENT, TASK_DEF, SERVICE].sort());
    for (const child of children) {
      assert.equal(child.parent, component.urn, `${child.type} ${child.name} is not parented to the component`);
    }
    assert.ok(session.outputsRegistered.has(component.urn));
  });
});
