import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { EPHEMERAL_PORTS } from "./loadBalancer";

/** Amazon's public parameter for the current ECS-optimized Amazon Linux 2023 AMI. */
export const ECS_AMI_PARAMETER = "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";

export interface EcsClusterArgs {
  readonly clusterName: string;
  readonly vpcId: pulumi.Input<string>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The load balancer's security group: the only source allowed to reach the instances. */
  readonly albSecurityGroupId: pulumi.Input<string>;
  readonly instanceType: pulumi.Input<string>;
  readonly rootVolumeSizeGiB: pulumi.Input<number>;
  readonly minSize: pulumi.Input<number>;
  readonly maxSize: pulumi.Input<number>;
  readonly desiredCapacity: pulumi.Input<number>;
  readonly managedScaling: boolean;
  readonly managedTerminationProtection: boolean;
  /** Target utilisation for managed scaling, 1..100. */
  readonly targetCapacityPercent: pulumi.Input<number>;
  /** One-minute EC2 metrics for the instances (billed per instance). */
  readonly detailedMonitoring: boolean;
}

/**
 * Everything the instances start talk to is HTTPS: the ECS agent (ecs, ecs-a, ecs-t endpoints),
 * image pulls from ECR and Docker Hub (registry and S3/CloudFront layer downloads), Session Manager,
 * CloudWatch Logs, and the dnf repositories the boot script uses. DNS to the VPC resolver, the
 * instance metadata service and the Amazon Time Sync Service are link-local or resolver traffic that
 * security groups do not filter, so no rule is needed for them. The demo app needs no egress.
 */
export const INSTANCE_EGRESS = [
  {
    description: "HTTPS: ECS agent, image pulls, SSM, CloudWatch Logs, package repositories",
    protocol: "tcp",
    fromPort: 443,
    toPort: 443,
    cidrBlocks: ["0.0.0.0/0"],
  },
];

/**
 * The instance boot script: joins the cluster and keeps bridge-mode containers away from the
 * instance metadata service, so a task cannot borrow the instance role's credentials.
 */
export function renderUserData(clusterName: string): string {
  return [
    "#!/bin/bash",
    // No -e: if persisting the firewall rule fails, the instance should still join the cluster.
    "set -uo pipefail",
    // ecs.service starts after cloud-init, so the agent reads this on its first start.
    "cat >> /etc/ecs/ecs.config <<'ECSCONFIG'",
    `ECS_CLUSTER=${clusterName}`,
    "ECS_AWSVPC_BLOCK_IMDS=true",
    "ECSCONFIG",
    // ECS_AWSVPC_BLOCK_IMDS covers awsvpc tasks only; bridge-mode tasks need this rule (ECS docs,
    // "Amazon ECS container instance IAM role"). Task roles use 169.254.170.2 and are unaffected.
    "iptables --insert FORWARD 1 --in-interface docker+ --destination 169.254.169.254/32 --jump DROP",
    "dnf install -y iptables-services && iptables-save > /etc/sysconfig/iptables && systemctl enable iptables",
    "",
  ].join("\n");
}

/**
 * An EC2-backed ECS cluster: private instances from the ECS-optimized AMI in an Auto Scaling group,
 * registered as the cluster's default capacity provider.
 */
export class EcsCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  public readonly autoScalingGroupName: pulumi.Output<string>;
  /** Resolves only once the provider is attached to the cluster, so services can depend on it. */
  public readonly capacityProviderName: pulumi.Output<string>;
  public readonly instanceSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: EcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-rebalancer:infra:EcsCluster", name, {}, opts);

    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        name: args.clusterName,
        settings: [{ name: "containerInsights", value: "enabled" }],
      },
      { parent: this },
    );

    const instanceProfile = this.createInstanceProfile(name, args.clusterName);

    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-instances-sg`,
      {
        description: "ECS container instances: dynamic host ports from the load balancer only",
        vpcId: args.vpcId,
        ingress: [
          {
            description: "Bridge-mode dynamic host ports from the ALB",
            protocol: "tcp",
            fromPort: EPHEMERAL_PORTS.from,
            toPort: EPHEMERAL_PORTS.to,
            securityGroups: [args.albSecurityGroupId],
          },
        ],
        // The agent talks to ECS and pulls images over the internet through NAT, all over HTTPS.
        egress: INSTANCE_EGRESS,
        tags: { Name: `${name}-instances` },
      },
      { parent: this },
    );

    // A new AMI release changes this value; the next `pulumi up` makes a new template version
    // that only new instances use.
    const imageId = aws.ssm.getParameterOutput({ name: ECS_AMI_PARAMETER }, { parent: this }).insecureValue;
    const instanceTags = { Name: `${args.clusterName}-instance`, "ecs-cluster": args.clusterName };
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        description: `ECS container instances of ${args.clusterName}`,
        imageId,
        instanceType: args.instanceType,
        iamInstanceProfile: { arn: instanceProfile.arn },
        monitoring: { enabled: args.detailedMonitoring },
        userData: cluster.name.apply((clusterName) => Buffer.from(renderUserData(clusterName)).toString("base64")),
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          // One hop: the host can fetch an IMDSv2 token, a container behind the docker bridge cannot.
          httpPutResponseHopLimit: 1,
        },
        networkInterfaces: [
          {
            deviceIndex: 0,
            associatePublicIpAddress: "false",
            deleteOnTermination: "true",
            securityGroups: [securityGroup.id],
          },
        ],
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeType: "gp3",
              volumeSize: args.rootVolumeSizeGiB,
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        updateDefaultVersion: true,
        tagSpecifications: [
          { resourceType: "instance", tags: instanceTags },
          { resourceType: "volume", tags: instanceTags },
        ],
      },
      { parent: this },
    );

    const autoScalingGroup = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        vpcZoneIdentifiers: args.privateSubnetIds,
        launchTemplate: { id: launchTemplate.id, version: "$Latest" },
        minSize: args.minSize,
        maxSize: args.maxSize,
        desiredCapacity: args.desiredCapacity,
        // ECS requires instances to be scale-in protected when it manages termination protection.
        protectFromScaleIn: args.managedTerminationProtection,
        tags: [
          // ECS expects this tag on groups it may manage through a capacity provider.
          { key: "AmazonECSManaged", value: "", propagateAtLaunch: true },
          { key: "Name", value: `${args.clusterName}-instance`, propagateAtLaunch: true },
        ],
      },
      {
        parent: this,
        // The demo walkthrough, operators and ECS managed scaling all change the desired capacity at
        // run time; without this, every `pulumi up` would reset it to the configured value.
        ignoreChanges: ["desiredCapacity"],
      },
    );

    // ECS rejects capacity provider names that start with "aws", "ecs" or "fargate"; "cp-" avoids that.
    const capacityProvider = new aws.ecs.CapacityProvider(
      `cp-${name}`,
      {
        autoScalingGroupProvider: {
          autoScalingGroupArn: autoScalingGroup.arn,
          managedScaling: {
            status: args.managedScaling ? "ENABLED" : "DISABLED",
            targetCapacity: args.targetCapacityPercent,
          },
          // DISABLED by default so `pulumi destroy` can terminate the instances.
          managedTerminationProtection: args.managedTerminationProtection ? "ENABLED" : "DISABLED",
        },
      },
      { parent: this },
    );

    const clusterCapacityProviders = new aws.ecs.ClusterCapacityProviders(
      `${name}-capacity-providers`,
      {
        clusterName: cluster.name,
        capacityProviders: [capacityProvider.name],
        defaultCapacityProviderStrategies: [{ capacityProvider: capacityProvider.name, weight: 1, base: 0 }],
      },
      { parent: this },
    );

    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.autoScalingGroupName = autoScalingGroup.name;
    // A service that names a provider not yet attached to the cluster fails to create.
    this.capacityProviderName = pulumi.all([capacityProvider.name, clusterCapacityProviders.id]).apply(([providerName]) => providerName);
    this.instanceSecurityGroupId = securityGroup.id;

    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      autoScalingGroupName: this.autoScalingGroupName,
      capacityProviderName: this.capacityProviderName,
      instanceSecurityGroupId: this.instanceSecurityGroupId,
    });
  }

  /** The instance role (ECS agent + Session Manager) wrapped in an instance profile. */
  private createInstanceProfile(name: string, clusterName: string): aws.iam.InstanceProfile {
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const role = new aws.iam.Role(
      `${name}-instance-role`,
      {
        description: `ECS container instances of ${clusterName}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );
    const managedPolicies = {
      ecs: "service-role/AmazonEC2ContainerServiceforEC2Role",
      // Session Manager replaces SSH: no key pair and no port 22.
      ssm: "AmazonSSMManagedInstanceCore",
    };
    for (const [suffix, policy] of Object.entries(managedPolicies)) {
      new aws.iam.RolePolicyAttachment(
        `${name}-instance-${suffix}`,
        {
          role: role.name,
          policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
        },
        { parent: this },
      );
    }
    return new aws.iam.InstanceProfile(`${name}-instance-profile`, { role: role.name }, { parent: this });
  }
}
