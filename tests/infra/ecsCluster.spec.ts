import { strict as assert } from "node:assert";
import { ECS_AMI_PARAMETER, EcsCluster, EcsClusterArgs, renderUserData } from "../../infra/ecsCluster";
import { AMI_ID, MockSession, settle, startMockSession, valueOf } from "./pulumiMocks";

const CLUSTER = "aws:ecs/cluster:Cluster";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const PROFILE = "aws:iam/instanceProfile:InstanceProfile";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";
const CP = "aws:ecs/capacityProvider:CapacityProvider";
const CCP = "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders";
const ALB_SG = "sg-alb0123";

const baseArgs: EcsClusterArgs = {
  clusterName: "rebalance-demo",
  vpcId: "vpc-0abc1234",
  privateSubnetIds: ["subnet-priv0", "subnet-priv1"],
  albSecurityGroupId: ALB_SG,
  instanceType: "t3.small",
  rootVolumeSizeGiB: 30,
  minSize: 1,
  maxSize: 3,
  desiredCapacity: 2,
  managedScaling: false,
  managedTerminationProtection: false,
  targetCapacityPercent: 100,
  detailedMonitoring: true,
};

async function build(overrides: Partial<EcsClusterArgs> = {}): Promise<{ session: MockSession; cluster: EcsCluster }> {
  const session = await startMockSession();
  const cluster = new EcsCluster("demo", { ...baseArgs, ...overrides });
  await settle(session);
  return { session, cluster };
}

function decodedUserData(session: MockSession): string {
  return Buffer.from(session.one(LT).inputs.userData, "base64").toString("utf8");
}

describe("infra/ecsCluster: EcsCluster", () => {
  it("creates the named ECS cluster with Container Insights enabled", async () => {
    const { session } = await build();
    const cluster = session.one(CLUSTER).inputs;
    assert.equal(cluster.name, "rebalance-demo");
    assert.deepEqual(cluster.settings, [{ name: "containerInsights", value: "enabled" }]);
  });

  describe("instance identity", () => {
    it("the instance role trusts only ec2.amazonaws.com", async () => {
      const { session } = await build();
      const policy = JSON.parse(session.one(ROLE).inputs.assumeRolePolicy);
      assert.deepEqual(policy.Statement, [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    });

    it("the role gets exactly the ECS-for-EC2 and SSM core managed policies, with the partition from getPartition", async () => {
      const { session } = await build();
      const attachments = session.ofType(ATTACHMENT);
      assert.deepEqual(attachments.map((a) => a.inputs.policyArn).sort(), [
        "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
      ]);
      for (const attachment of attachments) {
        assert.equal(attachment.inputs.role, "demo-instance-role-1a2b3c4");
      }
      assert.ok(session.calls.some((c) => c.token === "aws:index/getPartition:getPartition"));
    });

    it("the instance profile wraps that role and the launch template uses it", async () => {
      const { session } = await build();
      const profile = session.one(PROFILE);
      assert.equal(profile.inputs.role, "demo-instance-role-1a2b3c4");
      assert.equal(session.one(LT).inputs.iamInstanceProfile.arn, `arn:aws:iam::123456789012:instance-profile/${profile.name}-1a2b3c4`);
    });
  });

  describe("instance security group", () => {
    it("admits only TCP 32768-65535 from the ALB security group", async () => {
      const { session } = await build();
      const sg = session.one(SG).inputs;
      assert.equal(sg.vpcId, "vpc-0abc1234");
      assert.deepEqual(
        sg.ingress.map((r: any) => [r.protocol, r.fromPort, r.toPort, r.securityGroups]),
        [["tcp", 32768, 65535, [ALB_SG]]],
      );
    });

    it("has no port 22 and no 0.0.0.0/0 or ::/0 ingress", async () => {
      const { session } = await build();
      for (const rule of session.one(SG).inputs.ingress) {
        assert.ok(!(rule.fromPort <= 22 && 22 <= rule.toPort) && rule.protocol !== "-1", "port 22 is reachable");
        assert.equal(rule.cidrBlocks, undefined);
        assert.equal(rule.ipv6CidrBlocks, undefined);
      }
    });

    it("sends only HTTPS out (ECS agent, image pulls, SSM): no other port, no IPv6", async () => {
      const { session } = await build();
      assert.deepEqual(
        session.one(SG).inputs.egress.map((r: any) => [r.protocol, r.fromPort, r.toPort, r.cidrBlocks, r.ipv6CidrBlocks]),
        [["tcp", 443, 443, ["0.0.0.0/0"], undefined]],
      );
    });

    for (const detailedMonitoring of [true, false]) {
      it(`turns EC2 detailed monitoring ${detailedMonitoring ? "on" : "off"} in the launch template as configured`, async () => {
        const { session } = await build({ detailedMonitoring });
        assert.deepEqual(session.one(LT).inputs.monitoring, { enabled: detailedMonitoring });
      });
    }
  });

  describe("launch template", () => {
    it("boots the ECS-optimized AL2023 AMI from its public SSM parameter", async () => {
      const { session } = await build();
      assert.equal(session.one(LT).inputs.imageId, AMI_ID);
      const call = session.calls.find((c) => c.token === "aws:ssm/getParameter:getParameter");
      assert.equal(call?.inputs.name, ECS_AMI_PARAMETER);
      assert.equal(ECS_AMI_PARAMETER, "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id");
    });

    it("requires IMDSv2 with a hop limit of 1", async () => {
      const { session } = await build();
      assert.deepEqual(
        { ...session.one(LT).inputs.metadataOptions },
        { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      );
    });

    it("gives instances no public IP and attaches the instance security group", async () => {
      const { session } = await build();
      const nics = session.one(LT).inputs.networkInterfaces;
      assert.equal(nics.length, 1);
      assert.equal(nics[0].associatePublicIpAddress, "false");
      assert.deepEqual(nics[0].securityGroups, ["sg-demo-instances-sg"]);
    });

    it("has an encrypted gp3 root volume of the configured size on /dev/xvda", async () => {
      const { session } = await build({ rootVolumeSizeGiB: 40 });
      const [root] = session.one(LT).inputs.blockDeviceMappings;
      assert.equal(root.deviceName, "/dev/xvda");
      assert.deepEqual([root.ebs.volumeType, root.ebs.encrypted, root.ebs.volumeSize], ["gp3", "true", 40]);
    });

    it("has no SSH key pair, uses the configured instance type and updates its default version", async () => {
      const { session } = await build({ instanceType: "m7i.large" });
      const lt = session.one(LT).inputs;
      assert.equal(lt.keyName, undefined);
      assert.equal(lt.instanceType, "m7i.large");
      assert.equal(lt.updateDefaultVersion, true);
      assert.deepEqual(lt.tagSpecifications.map((t: any) => t.resourceType).sort(), ["instance", "volume"]);
    });

    it("user data joins the cluster, blocks IMDS for awsvpc tasks and drops docker bridge traffic to 169.254.169.254", async () => {
      const { session } = await build();
      const script = decodedUserData(session);
      assert.match(script, /^#!\/bin\/bash\n/);
      assert.match(script, /\/etc\/ecs\/ecs\.config/);
      assert.match(script, /^ECS_CLUSTER=rebalance-demo$/m);
      assert.match(script, /^ECS_AWSVPC_BLOCK_IMDS=true$/m);
      assert.match(script, /iptables --insert FORWARD 1 --in-interface docker\+ --destination 169\.254\.169\.254\/32 --jump DROP/);
      assert.equal(script, renderUserData("rebalance-demo"));
    });
  });

  describe("Auto Scaling group", () => {
    it("runs the latest template version in the private subnets with the configured sizes", async () => {
      const { session } = await build({ minSize: 2, maxSize: 5, desiredCapacity: 4 });
      const asg = session.one(ASG).inputs;
      assert.deepEqual(asg.vpcZoneIdentifiers, ["subnet-priv0", "subnet-priv1"]);
      assert.deepEqual({ ...asg.launchTemplate }, { id: "lt-0123456789abcdef0", version: "$Latest" });
      assert.deepEqual([asg.minSize, asg.maxSize, asg.desiredCapacity], [2, 5, 4]);
    });

    it("carries the AmazonECSManaged tag, propagated at launch", async () => {
      const { session } = await build();
      const tag = session.one(ASG).inputs.tags.find((t: any) => t.key === "AmazonECSManaged");
      assert.deepEqual({ ...tag }, { key: "AmazonECSManaged", value: "", propagateAtLaunch: true });
    });

    it("ignores desiredCapacity changes so run-time scaling survives `pulumi up`", async () => {
      const { session } = await build();
      assert.deepEqual(session.one(ASG).ignoreChanges, ["desiredCapacity"]);
    });

    it("protects instances from scale-in exactly when managed termination protection is on", async () => {
      assert.equal((await build()).session.one(ASG).inputs.protectFromScaleIn, false);
      const protectedBuild = await build({ managedScaling: true, managedTerminationProtection: true });
      assert.equal(protectedBuild.session.one(ASG).inputs.protectFromScaleIn, true);
    });
  });

  describe("capacity provider", () => {
    it("by default uses the ASG with managed scaling and managed termination protection DISABLED", async () => {
      const { session } = await build();
      const provider = session.one(CP).inputs.autoScalingGroupProvider;
      assert.match(provider.autoScalingGroupArn, /autoScalingGroupName\/demo-asg/);
      assert.equal(provider.managedScaling.status, "DISABLED");
      assert.equal(provider.managedTerminationProtection, "DISABLED");
    });

    it("enables managed scaling with the target capacity, and termination protection, when configured", async () => {
      const { session } = await build({ managedScaling: true, managedTerminationProtection: true, targetCapacityPercent: 80 });
      const provider = session.one(CP).inputs.autoScalingGroupProvider;
      assert.deepEqual([provider.managedScaling.status, provider.managedScaling.targetCapacity], ["ENABLED", 80]);
      assert.equal(provider.managedTerminationProtection, "ENABLED");
    });

    it("has a name ECS accepts (not starting with aws, ecs or fargate)", async () => {
      const { session } = await build();
      assert.doesNotMatch(session.one(CP).name, /^(aws|ecs|fargate)/i);
    });

    it("is attached to the cluster as the default strategy", async () => {
      const { session, cluster } = await build();
      const ccp = session.one(CCP).inputs;
      const providerName = await valueOf(cluster.capacityProviderName);
      assert.equal(ccp.clusterName, "rebalance-demo");
      assert.deepEqual(ccp.capacityProviders, [providerName]);
      assert.deepEqual(
        ccp.defaultCapacityProviderStrategies.map((s: any) => [s.capacityProvider, s.weight]),
        [[providerName, 1]],
      );
    });
  });

  it("exposes cluster name and ARN, ASG name, capacity provider name and instance security group", async () => {
    const { cluster } = await build();
    assert.equal(await valueOf(cluster.clusterName), "rebalance-demo");
    assert.equal(await valueOf(cluster.clusterArn), "arn:aws:ecs:us-east-1:123456789012:cluster/rebalance-demo");
    assert.equal(await valueOf(cluster.autoScalingGroupName), "demo-asg-1a2b3c4");
    assert.equal(await valueOf(cluster.capacityProviderName), "cp-demo-1a2b3c4");
    assert.equal(await valueOf(cluster.instanceSecurityGroupId), "sg-demo-instances-sg");
  });

  it("registers as ecs-rebalancer:infra:EcsCluster, parents every child to itself and registers its outputs", async () => {
    const { session } = await build();
    const component = session.one("ecs-rebalancer:infra:EcsCluster");
    const children = session.resources.filter((r) => r !== component);
    assert.deepEqual(children.map((r) => r.type).sort(), [CLUSTER, ROLE, ATTACHMENT, ATTACHMENT, PROFILE, SG, LT, ASG, CP, CCP].sort());
    for (const child of children) {
      assert.equal(child.parent, component.urn, `${child.type} ${child.name} is not parented to the component`);
    }
    assert.ok(session.outputsRegistered.has(component.urn));
  });
});
