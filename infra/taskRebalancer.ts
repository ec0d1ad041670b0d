import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { clusterNameOf, MonitoringConfig, RebalancerConfig, scheduleRateSeconds } from "./config";
import { dashboardBody } from "./rebalancerDashboard";
import { METRICS_NAMESPACE } from "../handler/emf";
import { clusterIdentity } from "./clusterIdentity";
import { rebalancerPolicy } from "./rebalancerPolicy";
import { createEventHandler } from "../handler/lambda";
import { createEcsClient, createSdkEcsPort } from "../handler/sdkEcsPort";
import { settingsEnvironment } from "../handler/settings";

export interface TaskRebalancerArgs {
  /**
   * Names or ARNs of the clusters to watch; names are taken to be in this stack's account and region.
   * Plain strings: the alarms and the dashboard are laid out per cluster name at preview time.
   */
  readonly watchedClusters: readonly string[];
  readonly settings: Omit<RebalancerConfig, "targetClusters">;
  readonly monitoring: MonitoringConfig;
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
  public readonly alarmArns: pulumi.Output<string[]>;
  public readonly dashboardName: pulumi.Output<string> | undefined;

  constructor(name: string, args: TaskRebalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ecs-rebalancer:infra:TaskRebalancer", name, {}, opts);
    const settings = args.settings;
    const clusters = clusterIdentity([...args.watchedClusters], this);
    this.watchedClusterArns = clusters.apply((c) => c.map((x) => x.arn));

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        retentionInDays: settings.logRetentionDays,
      },
      { parent: this },
    );

    const deadLetterQueue = new aws.sqs.Queue(
      `${name}-dlq`,
      {
        messageRetentionSeconds: 14 * 24 * 3600,
        sqsManagedSseEnabled: true,
      },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: aws.iam.assumeRolePolicyForPrincipal({ Service: "lambda.amazonaws.com" }),
        description: "ecs-task-rebalancer: reads the watched clusters, stops surplus tasks, adjusts desired counts",
      },
      { parent: this },
    );

    new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([clusters, logGroup.arn, deadLetterQueue.arn])
          .apply(([c, logGroupArn, queueArn]) => JSON.stringify(rebalancerPolicy(c, logGroupArn, queueArn))),
      },
      { parent: this },
    );

    const func = new aws.lambda.CallbackFunction(
      `${name}-fn`,
      {
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
              clusterLoadBand: settings.clusterLoadBand,
              pinLoadMoves: settings.pinLoadMoves,
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
          const throttles = { throttled: 0 };
          return createEventHandler({
            ecs: createSdkEcsPort(sdk, createEcsClient(sdk, undefined, throttles)),
            env: process.env,
            throttles,
          });
        },
      },
      { parent: this, dependsOn: [logGroup] },
    );

    // Lambda retries async invocations twice by default; a run is level-triggered and the next event
    // or the schedule picks up where it left off, so a retry could only repeat writes.
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-invoke`,
      {
        functionName: func.name,
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: 300,
      },
      { parent: this },
    );

    const rule = new aws.cloudwatch.EventRule(
      `${name}-instance-change`,
      {
        description: "ECS container instance became able to take tasks in a watched cluster",
        eventPattern: this.watchedClusterArns.apply((arns) => JSON.stringify(instanceChangePattern(arns))),
      },
      { parent: this },
    );
    rule.onEvent(`${name}-instance-change`, func, {}, { parent: this });

    const steady = new aws.cloudwatch.EventRule(
      `${name}-service-steady`,
      {
        description: "A service in a watched cluster reached a steady state: a surge can be finished",
        eventPattern: this.watchedClusterArns.apply((arns) => JSON.stringify(serviceSteadyPattern(arns))),
      },
      { parent: this },
    );
    steady.onEvent(`${name}-service-steady`, func, {}, { parent: this });

    if (settings.schedule !== "none") {
      const schedule = new aws.cloudwatch.EventRule(
        `${name}-schedule`,
        {
          description: "Backstop for missed ECS events: rebalance every watched cluster",
          scheduleExpression: settings.schedule,
        },
        { parent: this },
      );
      schedule.onEvent(`${name}-schedule`, func, {}, { parent: this });
    }

    const alarms = this.createAlarms(name, func, deadLetterQueue, args);
    this.alarmArns = pulumi.all(alarms.map((a) => a.arn));
    this.dashboardName = args.monitoring.dashboard
      ? this.createDashboard(name, func, deadLetterQueue, alarms, args).dashboardName
      : undefined;

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
      alarmArns: this.alarmArns,
      dashboardName: this.dashboardName,
    });
  }

  /**
   * Lambda errors (the handler never throws, so these are timeouts and crashes) and dead letters,
   * then per watched cluster: a run that failed or a write ECS refused, and a cluster that stays out
   * of balance for stuckAlarmRuns scheduled runs in a row (the rebalancer is stuck: no capacity,
   * budgets too small, or ECS not placing tasks where the plan expects).
   */
  private createAlarms(
    name: string,
    func: aws.lambda.Function,
    queue: aws.sqs.Queue,
    args: TaskRebalancerArgs,
  ): aws.cloudwatch.MetricAlarm[] {
    const actions = args.monitoring.alarmTopicArn ? [args.monitoring.alarmTopicArn] : [];
    const alarm = (suffix: string, alarmArgs: aws.cloudwatch.MetricAlarmArgs) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          alarmActions: actions,
          okActions: actions,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          ...alarmArgs,
        },
        { parent: this },
      );
    const alarms = [
      alarm("errors", {
        alarmDescription: "The ECS task rebalancer failed; see its log group",
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: func.name },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
      }),
      alarm("dead-letters", {
        alarmDescription: "Events the ECS task rebalancer could not process reached its dead-letter queue",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: queue.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
      }),
    ];
    const period = scheduleRateSeconds(args.settings.schedule);
    if (args.monitoring.stuckAlarmRuns > 0 && period === undefined) {
      throw new Error(
        `TaskRebalancer: stuckAlarmRuns (${args.monitoring.stuckAlarmRuns}) needs a rate() schedule, got ${args.settings.schedule}`,
      );
    }
    for (const cluster of args.watchedClusters.map(clusterNameOf)) {
      const dimensions = { ClusterName: cluster };
      const metric = (id: string, metricName: string) => ({
        id,
        returnData: false,
        metric: { namespace: METRICS_NAMESPACE, metricName, dimensions, period: 300, stat: "Sum" },
      });
      alarms.push(
        alarm(`failures-${cluster}`, {
          alarmDescription: `The ECS task rebalancer could not finish a run on ${cluster}, or ECS refused one of its writes; see its log group`,
          evaluationPeriods: 1,
          metricQueries: [
            metric("runs", "RunFailures"),
            metric("writes", "WriteErrors"),
            { id: "failures", expression: "runs + writes", label: "Failed runs and writes", returnData: true },
          ],
        }),
      );
      if (args.monitoring.stuckAlarmRuns > 0) {
        alarms.push(
          alarm(`stuck-${cluster}`, {
            alarmDescription: `${cluster} has been out of balance for ${args.monitoring.stuckAlarmRuns} scheduled runs in a row: the rebalancer is stuck (capacity, budgets, or ECS placing elsewhere); see the skipped reasons and deferred moves on the dashboard`,
            namespace: METRICS_NAMESPACE,
            metricName: "OutOfBalance",
            dimensions,
            period,
            // Minimum: one run in a period that found the cluster balanced clears that period
            statistic: "Minimum",
            evaluationPeriods: args.monitoring.stuckAlarmRuns,
            datapointsToAlarm: args.monitoring.stuckAlarmRuns,
            // a period with no run says nothing about balance; the errors alarm covers a silent function
            treatMissingData: "missing",
          }),
        );
      }
    }
    return alarms;
  }

  private createDashboard(
    name: string,
    func: aws.lambda.Function,
    queue: aws.sqs.Queue,
    alarms: aws.cloudwatch.MetricAlarm[],
    args: TaskRebalancerArgs,
  ): aws.cloudwatch.Dashboard {
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const periodSeconds = scheduleRateSeconds(args.settings.schedule) ?? 300;
    return new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        // one per stack: dashboard names are account-wide in a region
        dashboardName: `${pulumi.getProject()}-${pulumi.getStack()}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255),
        dashboardBody: pulumi
          .all([region, func.name, queue.name, pulumi.all(alarms.map((a) => a.arn))])
          .apply(([r, functionName, deadLetterQueueName, alarmArns]) =>
            JSON.stringify(
              dashboardBody({
                region: r,
                functionName,
                deadLetterQueueName,
                alarmArns,
                periodSeconds,
                clusterNames: args.watchedClusters.map(clusterNameOf),
              }),
            ),
          ),
      },
      { parent: this },
    );
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
