import { strict as assert } from "node:assert";
import { Network } from "../../infra/network";
import { settle, startMockSession, valueOf } from "./pulumiMocks";

const VPC = "awsx:ec2:Vpc";

describe("infra/network: Network", () => {
  async function build(natGateways: "Single" | "OnePerAz" | "None" = "Single", availabilityZoneCount = 2) {
    const session = await startMockSession();
    const network = new Network("net", {
      availabilityZoneCount,
      natGateways,
      cidrBlock: "10.20.0.0/16",
      flowLogTrafficType: "ALL",
      flowLogRetentionDays: 90,
    });
    await settle(session);
    return { session, network };
  }

  it("declares one awsx VPC with the configured CIDR, zone count, DNS hostnames and a public + private subnet per zone", async () => {
    const { session } = await build("Single", 3);
    const vpc = session.one(VPC).inputs;
    assert.equal(vpc.cidrBlock, "10.20.0.0/16");
    assert.equal(vpc.numberOfAvailabilityZones, 3);
    assert.equal(vpc.enableDnsHostnames, true);
    assert.deepEqual(vpc.subnetSpecs.map((s: { type: string }) => s.type).sort(), ["Private", "Public"]);
  });

  for (const strategy of ["Single", "OnePerAz", "None"] as const) {
    it(`passes natGateways = ${strategy} to the VPC as its NAT strategy`, async () => {
      const { session } = await build(strategy);
      assert.deepEqual(session.one(VPC).inputs.natGateways, { strategy });
    });
  }

  it("exposes the VPC id, the CIDR and the public and private subnet ids", async () => {
    const { network } = await build("Single", 2);
    assert.equal(await valueOf(network.vpcId), "vpc-0abc1234");
    assert.equal(await valueOf(network.cidrBlock), "10.20.0.0/16");
    assert.deepEqual(await valueOf(network.publicSubnetIds), ["subnet-pub0", "subnet-pub1"]);
    assert.deepEqual(await valueOf(network.privateSubnetIds), ["subnet-priv0", "subnet-priv1"]);
  });

  it("registers as ecs-rebalancer:infra:Network, parents the VPC to itself and registers its outputs", async () => {
    const { session } = await build();
    const component = session.one("ecs-rebalancer:infra:Network");
    assert.equal(session.one(VPC).parent, component.urn);
    assert.ok(session.outputsRegistered.has(component.urn));
  });

  it("EC2.6: logs the VPC's flows to a log group with the configured retention, through a role only flow logs of this account can assume", async () => {
    const { session } = await build();
    const flowLog = session.one("aws:ec2/flowLog:FlowLog").inputs;
    const logGroup = session.ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.name === "net-flow-logs")!;
    assert.equal(flowLog.vpcId, "vpc-0abc1234");
    assert.equal(flowLog.trafficType, "ALL");
    assert.equal(flowLog.logDestinationType, "cloud-watch-logs");
    assert.equal(flowLog.logDestination, "arn:aws:logs:us-east-1:123456789012:log-group:net-flow-logs-1a2b3c4");
    assert.equal(logGroup.inputs.retentionInDays, 90);
    const role = session.ofType("aws:iam/role:Role").find((r) => r.name === "net-flow-logs-role")!;
    const trust = JSON.parse(role.inputs.assumeRolePolicy);
    assert.deepEqual(
      trust.Statement.map((s: any) => [s.Principal.Service, s.Condition.StringEquals["aws:SourceAccount"]]),
      [["vpc-flow-logs.amazonaws.com", "123456789012"]],
    );
    assert.equal(flowLog.iamRoleArn, "arn:aws:iam::123456789012:role/net-flow-logs-role-1a2b3c4");
    const policy = JSON.parse(session.one("aws:iam/rolePolicy:RolePolicy").inputs.policy);
    assert.deepEqual(policy.Statement[0].Resource, "arn:aws:logs:us-east-1:123456789012:log-group:net-flow-logs-1a2b3c4:*");
  });

  it("EC2.2: adopts the VPC's default security group and strips every rule from it", async () => {
    const { session } = await build();
    const sg = session.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs;
    assert.equal(sg.vpcId, "vpc-0abc1234");
    assert.deepEqual([sg.ingress, sg.egress], [[], []]);
  });

  it("refuses fewer than two zones, because an ALB needs two", async () => {
    await startMockSession();
    assert.throws(
      () =>
        new Network("net", {
          availabilityZoneCount: 1,
          natGateways: "Single",
          cidrBlock: "10.0.0.0/16",
          flowLogTrafficType: "ALL",
          flowLogRetentionDays: 90,
        }),
      /at least 2/,
    );
  });
});
