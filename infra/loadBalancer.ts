import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { AccessLogBucket } from "./accessLogBucket";

/** The range the ECS agent hands out for bridge-mode dynamic host ports (hostPort 0). */
export const EPHEMERAL_PORTS = { from: 32768, to: 65535 } as const;

/** The reference stack checks every 10 s; two passes in, three out keeps a rebalance move short. */
export const HEALTH_CHECK = { intervalSeconds: 10, timeoutSeconds: 5, healthyThreshold: 2, unhealthyThreshold: 3 } as const;

/** TLS 1.3 with TLS 1.2 fallback: the current ELB recommendation. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface LoadBalancerArgs {
  readonly vpcId: pulumi.Input<string>;
  /** The VPC's CIDR: the only place the ALB may send traffic. */
  readonly vpcCidrBlock: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly healthCheckPath: pulumi.Input<string>;
  readonly deregistrationDelaySeconds: pulumi.Input<number>;
  /** An ACM certificate ARN; when set, HTTP redirects to HTTPS. */
  readonly certificateArn?: string;
  /** ELB.6; while on, `pulumi destroy` cannot delete the load balancer. */
  readonly deletionProtection: boolean;
  /** Days the access logs (ELB.5) are kept. */
  readonly accessLogRetentionDays: number;
}

/** The key prefix of the access logs in their bucket (ELB adds AWSLogs/<account>/ after it). */
export const ACCESS_LOG_PREFIX = "alb";

/**
 * An internet-facing Application Load Balancer with its own security group and one instance target
 * group. The target group uses instance targets because bridge-mode tasks listen on dynamic host
 * ports that ECS registers as (instance, port) pairs.
 */
export class LoadBalancer extends pulumi.ComponentResource {
  public readonly albArn: pulumi.Output<string>;
  public readonly dnsName: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly targetGroupArn: pulumi.Output<string>;
  /** The listener that forwards to the target group (HTTPS when a certificate is set). */
  public readonly listenerArn: pulumi.Output<string>;
  public readonly url: pulumi.Output<string>;
  public readonly accessLogBucketName: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-rebalancer:infra:LoadBalancer", name, {}, opts);
    const isHttps = args.certificateArn !== undefined;

    const ingress: aws.types.input.ec2.SecurityGroupIngress[] = [
      { description: "HTTP from anywhere", protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] },
    ];
    if (isHttps) {
      ingress.push({
        description: "HTTPS from anywhere",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["0.0.0.0/0"],
        ipv6CidrBlocks: ["::/0"],
      });
    }
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        description: "Application Load Balancer: web traffic in, task ports in the VPC out",
        vpcId: args.vpcId,
        ingress,
        // Targets and health checks are bridge-mode host ports on instances inside the VPC;
        // the ALB has no reason to reach anything else.
        egress: [
          {
            description: "To container instances' dynamic host ports",
            protocol: "tcp",
            fromPort: EPHEMERAL_PORTS.from,
            toPort: EPHEMERAL_PORTS.to,
            cidrBlocks: [args.vpcCidrBlock],
          },
        ],
        tags: { Name: `${name}-alb` },
      },
      { parent: this },
    );

    const accessLogs = new AccessLogBucket(
      `${name}-access-logs`,
      {
        retentionDays: args.accessLogRetentionDays,
        prefix: ACCESS_LOG_PREFIX,
      },
      { parent: this },
    );

    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        loadBalancerType: "application",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [securityGroup.id],
        // ELB.4: requests with malformed header names are dropped rather than passed to the app.
        dropInvalidHeaderFields: true,
        // ELB.12: "defensive" is the default; pinned so a console change shows up as drift.
        desyncMitigationMode: "defensive",
        enableDeletionProtection: args.deletionProtection,
        // ELB.5: ELB checks the bucket policy when logging is turned on, hence the ready name.
        accessLogs: { enabled: true, bucket: accessLogs.readyBucketName, prefix: ACCESS_LOG_PREFIX },
      },
      { parent: this },
    );

    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        vpcId: args.vpcId,
        protocol: "HTTP",
        port: 80,
        targetType: "instance",
        // The default 300 s makes every rebalance move (StopTask) hold a task for five minutes.
        deregistrationDelay: args.deregistrationDelaySeconds,
        healthCheck: {
          enabled: true,
          path: args.healthCheckPath,
          protocol: "HTTP",
          port: "traffic-port",
          interval: HEALTH_CHECK.intervalSeconds,
          timeout: HEALTH_CHECK.timeoutSeconds,
          healthyThreshold: HEALTH_CHECK.healthyThreshold,
          unhealthyThreshold: HEALTH_CHECK.unhealthyThreshold,
          matcher: "200-399",
        },
      },
      { parent: this },
    );

    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    let listener: aws.lb.Listener;
    if (isHttps) {
      new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: alb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
        },
        { parent: this },
      );
      listener = new aws.lb.Listener(
        `${name}-https`,
        {
          loadBalancerArn: alb.arn,
          port: 443,
          protocol: "HTTPS",
          certificateArn: args.certificateArn,
          sslPolicy: TLS_POLICY,
          defaultActions: forward,
        },
        { parent: this },
      );
    } else {
      listener = new aws.lb.Listener(
        `${name}-http`,
        {
          loadBalancerArn: alb.arn,
          port: 80,
          protocol: "HTTP",
          defaultActions: forward,
        },
        { parent: this },
      );
    }

    this.albArn = alb.arn;
    this.dnsName = alb.dnsName;
    this.securityGroupId = securityGroup.id;
    this.targetGroupArn = targetGroup.arn;
    this.listenerArn = listener.arn;
    this.url = pulumi.interpolate`${isHttps ? "https" : "http"}://${alb.dnsName}`;
    this.accessLogBucketName = accessLogs.bucketName;

    this.registerOutputs({
      albArn: this.albArn,
      dnsName: this.dnsName,
      securityGroupId: this.securityGroupId,
      targetGroupArn: this.targetGroupArn,
      listenerArn: this.listenerArn,
      url: this.url,
      accessLogBucketName: this.accessLogBucketName,
    });
  }
}
