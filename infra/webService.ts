import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/** ECS's upper bound for a container's stopTimeout on EC2. */
export const MAX_STOP_TIMEOUT_SECONDS = 120;
/** ECS's default stopTimeout, kept as a floor so the web server always gets its usual grace. */
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
const CONTAINER_NAME = "web";

/**
 * Writable scratch space for a container whose root filesystem is read-only (ECS.5). nginx-unprivileged
 * keeps its pid file and request-body temp files in /tmp; /var/cache/nginx and /var/run are where the
 * stock nginx layout writes, for an image that keeps it. Docker creates a tmpfs with mode 1777, so the
 * non-root user can write there; noexec keeps anything written from being run.
 */
export const SCRATCH_MOUNTS = [
  { containerPath: "/tmp", size: 64, mountOptions: ["noexec", "nosuid", "nodev"] },
  { containerPath: "/var/cache/nginx", size: 16, mountOptions: ["noexec", "nosuid", "nodev"] },
  { containerPath: "/var/run", size: 1, mountOptions: ["noexec", "nosuid", "nodev"] },
];

export interface WebServiceArgs {
  readonly clusterArn: pulumi.Input<string>;
  readonly capacityProviderName: pulumi.Input<string>;
  readonly targetGroupArn: pulumi.Input<string>;
  /** Passed only so the service waits for the listener: ECS refuses a target group with no load balancer. */
  readonly listenerArn: pulumi.Input<string>;
  /** The target group's deregistration delay; the container's stopTimeout covers it. */
  readonly deregistrationDelaySeconds: pulumi.Input<number>;
  readonly image: pulumi.Input<string>;
  readonly cpu: pulumi.Input<number>;
  readonly memory: pulumi.Input<number>;
  readonly desiredCount: pulumi.Input<number>;
  readonly logRetentionDays: pulumi.Input<number>;
  /** The port the image listens on (8080 for nginx-unprivileged). */
  readonly containerPort: number;
  /** A non-root "uid" or "uid:gid" (ECS.20). */
  readonly user: string;
  /** Seconds ECS ignores failing ALB health checks after a task starts; default 60. */
  readonly healthCheckGracePeriodSeconds?: pulumi.Input<number>;
}

/** The stopTimeout for a given deregistration delay; throws when ECS could not honour it. */
export function stopTimeoutFor(deregistrationDelaySeconds: number): number {
  if (deregistrationDelaySeconds > MAX_STOP_TIMEOUT_SECONDS) {
    throw new Error(
      `WebService: deregistrationDelaySeconds (${deregistrationDelaySeconds}) must not exceed ECS's maximum stopTimeout of ${MAX_STOP_TIMEOUT_SECONDS}`,
    );
  }
  return Math.max(deregistrationDelaySeconds, DEFAULT_STOP_TIMEOUT_SECONDS);
}

/**
 * The demo workload: a bridge-mode web service (nginx, unprivileged) behind the ALB, spread over zones and then over
 * instances, which is the placement the rebalancer restores after the cluster scales.
 */
export class WebService extends pulumi.ComponentResource {
  public readonly serviceName: pulumi.Output<string>;
  public readonly serviceArn: pulumi.Output<string>;
  public readonly taskDefinitionArn: pulumi.Output<string>;

  constructor(name: string, args: WebServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-rebalancer:infra:WebService", name, {}, opts);

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        retentionInDays: args.logRetentionDays,
      },
      { parent: this },
    );
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    const executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      {
        description: "ECS task execution: pull the image, write logs",
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-execution-policy`,
      {
        role: executionRole.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy`,
      },
      { parent: this },
    );

    const containerDefinitions = pulumi
      .all([args.image, args.cpu, args.memory, args.deregistrationDelaySeconds, logGroup.name, region])
      .apply(([image, cpu, memory, deregistrationDelay, logGroupName, regionName]) =>
        JSON.stringify([
          {
            name: CONTAINER_NAME,
            image,
            cpu,
            memory,
            essential: true,
            // ECS.20: a non-root user; ECS.4: never privileged; ECS.5: a read-only root filesystem.
            user: args.user,
            privileged: false,
            readonlyRootFilesystem: true,
            linuxParameters: {
              // a web server on a port above 1024 needs no Linux capability at all
              capabilities: { drop: ["ALL"] },
              tmpfs: SCRATCH_MOUNTS,
            },
            // hostPort 0: ECS picks a free ephemeral host port, so several tasks fit on one instance.
            portMappings: [{ containerPort: args.containerPort, hostPort: 0, protocol: "tcp" }],
            // SIGKILL must not come before the ALB has finished draining the task.
            stopTimeout: stopTimeoutFor(deregistrationDelay),
            logConfiguration: {
              logDriver: "awslogs",
              options: {
                "awslogs-group": logGroupName,
                "awslogs-region": regionName,
                "awslogs-stream-prefix": CONTAINER_NAME,
              },
            },
          },
        ]),
      );

    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-task`,
      {
        family: name,
        networkMode: "bridge",
        requiresCompatibilities: ["EC2"],
        executionRoleArn: executionRole.arn,
        containerDefinitions,
      },
      { parent: this },
    );

    const service = new aws.ecs.Service(
      `${name}-service`,
      {
        name: "web",
        cluster: args.clusterArn,
        taskDefinition: taskDefinition.arn,
        desiredCount: args.desiredCount,
        capacityProviderStrategies: [{ capacityProvider: args.capacityProviderName, weight: 1, base: 0 }],
        // Zones first, then instances: the even spread the rebalancer keeps restoring.
        orderedPlacementStrategies: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "spread", field: "instanceId" },
        ],
        // Set, not left to a default that depends on when the service was created: ECS evens
        // out the zones itself (start before stop) and the rebalancer, which reads the field,
        // balances the instances within each zone. In the bench both settings make the same
        // moves on every scenario measured; ENABLED keeps the zones even when the rebalancer is
        // off, in dry run or failing; its cost is ECS's trigger delay on a zone move (the
        // walkthrough: 165 s against 115 s, with an assumed 60 s delay AWS does not document).
        availabilityZoneRebalancing: "ENABLED",
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        loadBalancers: [
          {
            targetGroupArn: pulumi.all([args.targetGroupArn, args.listenerArn]).apply(([targetGroupArn]) => targetGroupArn),
            containerName: CONTAINER_NAME,
            containerPort: args.containerPort,
          },
        ],
        healthCheckGracePeriodSeconds: args.healthCheckGracePeriodSeconds ?? 60,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        // Tasks need instances that may still be booting; `pulumi up` should not block on them.
        waitForSteadyState: false,
      },
      {
        parent: this,
        // Operators, Service Auto Scaling and the rebalancer's surge change desiredCount at run time; without this,
        // every `pulumi up` would undo them.
        ignoreChanges: ["desiredCount"],
      },
    );

    this.serviceName = service.name;
    // The aws provider uses the service ARN as the resource id.
    this.serviceArn = service.id;
    this.taskDefinitionArn = taskDefinition.arn;

    this.registerOutputs({
      serviceName: this.serviceName,
      serviceArn: this.serviceArn,
      taskDefinitionArn: this.taskDefinitionArn,
    });
  }
}
