import { strict as assert } from "node:assert";
import { MockSession, settle, startMockSession, valueOf } from "./pulumiMocks";

const INDEX = require.resolve("../../index");

/** Runs index.ts afresh under mocks with the given stack config and returns its exports. */
async function runProgram(config: Record<string, string>): Promise<{ session: MockSession; stack: any }> {
  const session = await startMockSession(config);
  delete require.cache[INDEX];
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const stack = require(INDEX);
  await settle(session);
  return { session, stack };
}

const COMPONENTS = [
  "ecs-rebalancer:infra:Network",
  "ecs-rebalancer:infra:LoadBalancer",
  "ecs-rebalancer:infra:EcsCluster",
  "ecs-rebalancer:infra:WebService",
];

describe("index.ts: the stack", () => {
  describe("with the demo cluster (defaults)", () => {
    it("composes Network, LoadBalancer, EcsCluster and WebService once each, at the top level", async () => {
      const { session } = await runProgram({});
      for (const type of COMPONENTS) {
        assert.equal(session.one(type).parent, "", `${type} should be a top-level component`);
      }
    });

    it("exports appUrl, clusterName, clusterArn, autoScalingGroupName, vpcId and watchedClusters", async () => {
      const { stack } = await runProgram({ targetClusters: '["prod"]' });
      assert.equal(await valueOf(stack.appUrl), "http://demo-alb-123456789.us-east-1.elb.amazonaws.com");
      assert.equal(await valueOf(stack.clusterName), "rebalance-demo");
      assert.equal(await valueOf(stack.clusterArn), "arn:aws:ecs:us-east-1:123456789012:cluster/rebalance-demo");
      assert.equal(await valueOf(stack.autoScalingGroupName), "demo-asg-1a2b3c4");
      assert.equal(await valueOf(stack.vpcId), "vpc-0abc1234");
      assert.deepEqual(await valueOf(stack.watchedClusters), ["arn:aws:ecs:us-east-1:123456789012:cluster/rebalance-demo", "prod"]);
    });

    it("wires config values through to the resources", async () => {
      const { session } = await runProgram({
        clusterName: "shop",
        availabilityZoneCount: "3",
        natGateways: "OnePerAz",
        instanceType: "m7i.large",
        deregistrationDelaySeconds: "45",
        serviceDesiredCount: "4",
        healthCheckPath: "/health",
      });
      assert.equal(session.one("awsx:ec2:Vpc").inputs.numberOfAvailabilityZones, 3);
      assert.deepEqual(session.one("awsx:ec2:Vpc").inputs.natGateways, { strategy: "OnePerAz" });
      assert.equal(session.one("aws:ecs/cluster:Cluster").inputs.name, "shop");
      assert.equal(session.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.instanceType, "m7i.large");
      assert.equal(session.one("aws:lb/targetGroup:TargetGroup").inputs.deregistrationDelay, 45);
      assert.equal(session.one("aws:lb/targetGroup:TargetGroup").inputs.healthCheck.path, "/health");
      assert.equal(JSON.parse(session.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions)[0].stopTimeout, 45);
      assert.equal(session.one("aws:ecs/service:Service").inputs.desiredCount, 4);
    });

    it("lets only the ALB's security group into the instances", async () => {
      const { session } = await runProgram({});
      const [albSg, instanceSg] = ["demo-sg", "demo-instances-sg"].map(
        (name) => session.ofType("aws:ec2/securityGroup:SecurityGroup").find((r) => r.name === name)!,
      );
      assert.deepEqual(instanceSg.inputs.ingress[0].securityGroups, [`sg-${albSg.name}`]);
      assert.deepEqual(albSg.inputs.egress[0].cidrBlocks, ["10.0.0.0/16"]);
    });

    it("creates the service only after the capacity provider is attached and the listener exists", async () => {
      const { session } = await runProgram({});
      const service = session.one("aws:ecs/service:Service");
      const attachment = session.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
      const listener = session.one("aws:lb/listener:Listener");
      assert.ok(service.dependencies.includes(attachment.urn), "service does not depend on ClusterCapacityProviders");
      assert.ok(service.dependencies.includes(listener.urn), "service does not depend on the listener");
    });

    it("composes the TaskRebalancer watching the demo cluster and targetClusters, with the rebalancer config", async () => {
      const { session, stack } = await runProgram({
        targetClusters: '["prod"]',
        dryRun: "true",
        maxMovesPerRun: "4",
        clusterLoadBand: "false",
        pinLoadMoves: "false",
      });
      assert.equal(session.one("ecs-rebalancer:infra:TaskRebalancer").parent, "");
      for (let i = 0; i < 400 && session.ofType("aws:lambda/function:Function").length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await settle(session);
      const env = session.one("aws:lambda/function:Function").inputs.environment.variables;
      assert.equal(
        env.REBALANCER_WATCHED_CLUSTERS,
        "arn:aws:ecs:us-east-1:123456789012:cluster/rebalance-demo,arn:aws:ecs:us-east-1:123456789012:cluster/prod",
      );
      assert.equal(env.REBALANCER_DRY_RUN, "true");
      assert.equal(env.REBALANCER_MAX_MOVES_PER_RUN, "4");
      assert.equal(env.REBALANCER_CLUSTER_LOAD_BAND, "0", "clusterLoadBand = false reaches the function as band 0 (off)");
      assert.equal(env.REBALANCER_PIN_LOAD_MOVES, "false");
      assert.ok(await valueOf(stack.rebalancerFunctionName));
    });

    it("serves https when a certificate is configured", async () => {
      const { stack } = await runProgram({ certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc" });
      assert.equal(await valueOf(stack.appUrl), "https://demo-alb-123456789.us-east-1.elb.amazonaws.com");
    });
  });

  describe("with createDemoCluster = false", () => {
    it("creates no VPC, load balancer, cluster or service, leaves the cluster outputs undefined and watches only targetClusters", async () => {
      const { session, stack } = await runProgram({
        createDemoCluster: "false",
        targetClusters: '["prod","arn:aws:ecs:eu-west-1:123456789012:cluster/batch"]',
      });
      const created = session.resources.map((r) => r.type);
      for (const type of [
        ...COMPONENTS,
        "awsx:ec2:Vpc",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:ecs/cluster:Cluster",
        "aws:ecs/service:Service",
        "aws:autoscaling/group:Group",
      ]) {
        assert.ok(!created.includes(type), `${type} was created`);
      }
      for (const name of ["appUrl", "clusterName", "clusterArn", "autoScalingGroupName", "vpcId"]) {
        assert.equal(stack[name], undefined, `${name} should be undefined`);
      }
      assert.deepEqual(await valueOf(stack.watchedClusters), ["prod", "arn:aws:ecs:eu-west-1:123456789012:cluster/batch"]);
    });
  });

  it("fails with the ConfigError before declaring any resource when config is invalid", async () => {
    const session = await startMockSession({ desiredCapacity: "9" });
    delete require.cache[INDEX];
    assert.throws(() => require(INDEX), /config "desiredCapacity" = 9: must be between minSize \(1\) and maxSize \(3\)/);
    await settle(session);
    assert.equal(session.resources.length, 0);
  });
});
