import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";

export interface NetworkArgs {
  /** How many Availability Zones to spread subnets over; at least 2, because an ALB needs two. */
  readonly availabilityZoneCount: number;
  /** "Single" (one shared NAT gateway), "OnePerAz" (zone-redundant egress) or "None". */
  readonly natGateways: "Single" | "OnePerAz" | "None";
  readonly cidrBlock: string;
  /** What the VPC flow log records (EC2.6). */
  readonly flowLogTrafficType: "ALL" | "ACCEPT" | "REJECT";
  readonly flowLogRetentionDays: number;
}

/**
 * A VPC with one public subnet per zone for the load balancer and one private subnet per zone for
 * the container instances, which reach ECS, ECR and Docker registries through the NAT gateway(s).
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly cidrBlock: pulumi.Output<string>;
  public readonly publicSubnetIds: pulumi.Output<string[]>;
  public readonly privateSubnetIds: pulumi.Output<string[]>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-rebalancer:infra:Network", name, {}, opts);

    if (args.availabilityZoneCount < 2) {
      throw new Error(`Network: availabilityZoneCount must be at least 2 (an ALB needs two zones), got ${args.availabilityZoneCount}`);
    }

    if (args.natGateways === "None") {
      // Private subnets then have no route out: instances cannot reach ECS or pull images
      // unless VPC endpoints are added. Allowed for network-only experiments, so warn, not fail.
      pulumi.log.warn("natGateways = None: instances in the private subnets cannot reach ECS or image registries", this);
    }

    const vpc = new awsx.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidrBlock,
        numberOfAvailabilityZones: args.availabilityZoneCount,
        // "Auto" lays subnets out in the order given; "Legacy" (the default) is kept only for old stacks.
        subnetStrategy: "Auto",
        subnetSpecs: [
          { type: "Public", name: "public" },
          { type: "Private", name: "private" },
        ],
        natGateways: { strategy: args.natGateways },
        enableDnsHostnames: true,
        enableDnsSupport: true,
      },
      { parent: this },
    );

    this.lockDefaultSecurityGroup(name, vpc.vpcId);
    this.createFlowLog(name, vpc.vpcId, args);

    this.vpcId = vpc.vpcId;
    this.cidrBlock = pulumi.output(args.cidrBlock);
    this.publicSubnetIds = vpc.publicSubnetIds;
    this.privateSubnetIds = vpc.privateSubnetIds;

    this.registerOutputs({
      vpcId: this.vpcId,
      cidrBlock: this.cidrBlock,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }

  /**
   * EC2.2: a new VPC's default security group lets its members talk to each other and out anywhere.
   * Nothing here uses it; adopting it with no rules strips them, so a resource launched without a
   * security group gets no network access.
   */
  private lockDefaultSecurityGroup(name: string, vpcId: pulumi.Input<string>): void {
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      {
        vpcId,
        ingress: [],
        egress: [],
        tags: { Name: `${name}-default (unused, no rules)` },
      },
      { parent: this },
    );
  }

  /** EC2.6: VPC flow logs to a CloudWatch log group, delivered by a role only flow logs can assume. */
  private createFlowLog(name: string, vpcId: pulumi.Input<string>, args: NetworkArgs): void {
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      {
        retentionInDays: args.flowLogRetentionDays,
      },
      { parent: this },
    );
    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    const role = new aws.iam.Role(
      `${name}-flow-logs-role`,
      {
        description: "VPC flow logs: write to their log group",
        assumeRolePolicy: caller.accountId.apply((account) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                // confused-deputy guard: only flow logs of this account may use the role
                Condition: { StringEquals: { "aws:SourceAccount": account } },
              },
            ],
          }),
        ),
      },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-flow-logs-policy`,
      {
        role: role.id,
        policy: logGroup.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: `${arn}:*` },
              // flow logs check the group exists before delivering
              { Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
            ],
          }),
        ),
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId,
        trafficType: args.flowLogTrafficType,
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: role.arn,
        // one-minute aggregation: a rejected connection shows up in the log within minutes
        maxAggregationInterval: 60,
      },
      { parent: this },
    );
  }
}
