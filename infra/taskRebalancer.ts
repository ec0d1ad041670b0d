import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { RebalancerConfig } from "./config";
import { clusterIdentity } from "./clusterIdentity";
import { rebalancerPolicy } from "./rebalancerPolicy";
import { createEventHandler } from "../handler/lambda";
import { createEcsClient, createSdkEcsPort } from "../handler/sdkEcsPort";
import { settingsEnvironment } from "../handler/settings";

export interface TaskRebalancerArgs {
  /** Names or ARNs of the clusters to watch; names are taken to be in this stack's account and region. */
  readonly watchedClusters: pulumi.Input<pulumi.Input<string>[]>;
  readonly settings: Omit<RebalancerConfig, "targetClusters">;
  /** Bundle the AWS SDK into the archive instead of using the runtime's; only to measure what that costs. */
  readonly bundleAwsSdk?: boolean;
}

/** The package the nodejs22.x runtime already ships: left out of the archive. */
export const RUNTIME_PROVIDED_PACKAGES = ["@aws-sdk/client-ecs"];

/**
 * The rebalancer as deployed: an EventBridge rule on "ECS Container Instance State Change" for the
 * watched clusters (ACTIVE, agent connected), an optional schedule as a backstop for missed events,
 * and one serialized Lambda running the engine, with its own least-privilege role, a dead-letter
 * queue and an alarm on errors.
 */
export class TaskRebalancer extends pulumi.ComponentResource {
  public readonly functionName: pulumi.Output<string>;
  public readonly functionArn: pulumi.Output<string>;
  public readonly ruleArn: pulumi.Output<string>;
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  public readonly watchedClusterArns: pulumi.Output<string[]>;

  constructor(name: string, args: TaskRebalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-rebalancer:infra:TaskRebalancer", name, {}, opts);
    const settings = args.settings;
    const clusters = clusterIdentity(args.watchedClusters, this);
    this.watchedClusterArns = clusters.apply((c) => c.map((x) => x.arn));

    const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
      retentionInDays: settings.logRetentionDays,
    }, { parent: this });

    const deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
      messageRetentionSeconds: 14 * 24 * 3600,
      sqsManagedSseEnabled: true,
    }, { parent: this });

    const role = new aws.iam.Role(`${name}-role`, {
      assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
      description: "ecs-task-rebalancer: reads the watched clusters, stops surplus tasks, adjusts desired counts",
    }, { parent: this });

    new aws.iam.RolePolicy(`${name}-policy`, {
      role: role.id,
      policy: pulumi
        .all([clusters, logGroup.arn, deadLetterQueue.arn])
        .apply(([c, logGroupArn, queueArn]) => JSON.stringify(rebalancerPolicy(c, logGroupArn, queueArn))),
    }, { parent: this });

    const func = new aws.lambda.CallbackFunction(`${name}-fn`, {
      description: "Moves the fewest ECS tasks needed to keep services evenly spread over container instances",
      runtime: aws.lambda.Runtime.NodeJS22dX,
      role,
      timeout: settings.functionTimeoutSeconds,
      memorySize: 256,
      reservedConcurrentExecutions: settings.reservedConcurrency,
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
      deadLetterConfig: { targetArn: deadLetterQueue.arn },
      environment: {
        variables: this.watchedClusterArns.apply((arns) =>
          settingsEnvironment({
            watchedClusters: arns,
            dryRun: settings.dryRun,
            maxMovesPerRun: settings.maxMovesPerRun,
            maxMovesPerService: settings.maxMovesPerService,
            maxMovesPerInstance: settings.maxMovesPerInstance,
            surgeTimeoutSeconds: settings.surgeTimeoutMinutes * 60,
            logLevel: "info",
            writeRates: settings.writeRates,
          }),
        ),
      },
      codePathOptions: { extraExcludePackages: args.bundleAwsSdk ? [] : RUNTIME_PROVIDED_PACKAGES },
      // Runs once per cold start. The SDK comes from the runtime, and the client is made here
      // because a client instance cannot be serialized.
      callbackFactory: () => {
        const sdk = require("@aws-sdk/client-ecs");
        return createEventHandler({ ecs: createSdkEcsPort(sdk, createEcsClient(sdk)), env: process.env });
      },
    }, { parent: this, dependsOn: [logGroup] });

    // Lambda retries async invocations twice by default; a run is level-triggered and the next event
    // or the schedule picks up where it left off, so a retry could only repeat writes.
    new aws.lambda.FunctionEventInvokeConfig(`${name}-invoke`, {
      functionName: func.name,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 300,
    }, { parent: this });

    const rule = new aws.cloudwatch.EventRule(`${name}-instance-change`, {
      description: "ECS container instance became able to take tasks in a watched cluster",
      eventPattern: this.watchedClusterArns.apply((arns) => JSON.stringify(instanceChangePattern(arns))),
    }, { parent: this });
    rule.onEvent(`${name}-instance-change`, func, {}, { parent: this });

    const steady = new aws.cloudwatch.EventRule(`${name}-service-steady`, {
      description: "A service in a watched cluster reached a steady state: a surge can be finished",
      eventPattern: this.watchedClusterArns.apply((arns) => JSON.stringify(serviceSteadyPattern(arns))),
    }, { parent: this });
    steady.onEvent(`${name}-service-steady`, func, {}, { parent: this });

    if (settings.schedule !== "none") {
      const schedule = new aws.cloudwatch.EventRule(`${name}-schedule`, {
        description: "Backstop for missed ECS events: rebalance every watched cluster",
        scheduleExpression: settings.schedule,
      }, { parent: this });
      schedule.onEvent(`${name}-schedule`, func, {}, { parent: this });
    }

    const alarm = (suffix: string, description: string, metric: Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions" | "statistic">) =>
      new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, {
        alarmDescription: description,
        ...metric,
        period: 300,
        evaluationPeriods: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      }, { parent: this });
    alarm("errors", "The ECS task rebalancer failed; see its log group", {
      namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: func.name }, statistic: "Sum",
    });
    alarm("dead-letters", "Events the ECS task rebalancer could not process reached its dead-letter queue", {
      namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: deadLetterQueue.name }, statistic: "Maximum",
    });

    this.functionName = func.name;
    this.functionArn = func.arn;
    this.ruleArn = rule.arn;
    this.deadLetterQueueUrl = deadLetterQueue.url;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      ruleArn: this.ruleArn,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      watchedClusterArns: this.watchedClusterArns,
    });
  }
}

/** Only an ACTIVE instance with a connected agent can receive tasks, so only then is a run useful. */
export function instanceChangePattern(clusterArns: string[]) {
  return {
    source: ["aws.ecs"],
    "detail-type": ["ECS Container Instance State Change"],
    detail: { clusterArn: clusterArns, status: ["ACTIVE"], agentConnected: [true] },
  };
}

/**
 * A surge ends when ECS has placed the extra tasks, which ECS announces as SERVICE_STEADY_STATE;
 * container instance events come when a task is placed, not when it is running.
 */
export function serviceSteadyPattern(clusterArns: string[]) {
  return {
    source: ["aws.ecs"],
    "detail-type": ["ECS Service Action"],
    detail: { clusterArn: clusterArns, eventName: ["SERVICE_STEADY_STATE"] },
  };
}

