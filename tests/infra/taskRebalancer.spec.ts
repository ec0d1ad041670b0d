import { strict as assert } from "node:assert";
import { parseStackConfig } from "../../infra/config";
import { TaskRebalancer } from "../../infra/taskRebalancer";
import { ACCOUNT, MockSession, REGION, settle, startMockSession, valueOf } from "./pulumiMocks";

const FUNCTION = "aws:lambda/function:Function";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const PERMISSION = "aws:lambda/permission:Permission";
const POLICY = "aws:iam/rolePolicy:RolePolicy";
const ROLE = "aws:iam/role:Role";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const QUEUE = "aws:sqs/queue:Queue";
const INVOKE_CONFIG = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const DEMO_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/rebalance-demo`;
const PROD_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`;

// the stack config's defaults, as index.ts passes them
const DEFAULTS = parseStackConfig(() => undefined);
const { targetClusters: _watchedToo, ...SETTINGS } = DEFAULTS.rebalancer;

async function build(
  overrides: Partial<typeof SETTINGS> = {},
  monitoring: Partial<typeof DEFAULTS.monitoring> = {},
): Promise<{ session: MockSession; rebalancer: TaskRebalancer }> {
  const session = await startMockSession();
  // a demo cluster ARN and a bare name, which resolves to this account and region
  const rebalancer = new TaskRebalancer("rebalancer", {
    watchedClusters: [DEMO_ARN, "prod"],
    settings: { ...SETTINGS, ...overrides },
    monitoring: { ...DEFAULTS.monitoring, ...monitoring },
  });
  // serializing the callback takes a while before the function (and what hangs off it) registers
  for (let i = 0; i < 400 && session.ofType(PERMISSION).length < (overrides.schedule === "none" ? 2 : 3); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await settle(session);
  return { session, rebalancer };
}

function policyOf(session: MockSession) {
  return JSON.parse(session.one(POLICY).inputs.policy) as {
    Statement: Array<{ Action: string[]; Resource: string | string[]; Condition?: any }>;
  };
}

describe("infra/taskRebalancer: TaskRebalancer", () => {
  it("matches instance state changes of the watched clusters, ACTIVE with a connected agent only", async () => {
    const { session } = await build();
    const rule = session.ofType(RULE).find((r) => r.inputs.eventPattern?.includes("Container Instance"))!;
    assert.deepEqual(JSON.parse(rule.inputs.eventPattern), {
      source: ["aws.ecs"],
      "detail-type": ["ECS Container Instance State Change"],
      detail: { clusterArn: [DEMO_ARN, PROD_ARN], status: ["ACTIVE"], agentConnected: [true] },
    });
  });

  it("also wakes on SERVICE_STEADY_STATE of the watched clusters, to finish surges promptly", async () => {
    const { session } = await build();
    const rule = session.ofType(RULE).find((r) => r.inputs.eventPattern?.includes("Service Action"))!;
    assert.deepEqual(JSON.parse(rule.inputs.eventPattern), {
      source: ["aws.ecs"],
      "detail-type": ["ECS Service Action"],
      detail: { clusterArn: [DEMO_ARN, PROD_ARN], eventName: ["SERVICE_STEADY_STATE"] },
    });
  });

  it("runs the serialized callback on nodejs22.x with JSON logs, reserved concurrency 1 and a dead-letter queue", async () => {
    const { session } = await build();
    const fn = session.one(FUNCTION).inputs;
    assert.equal(fn.runtime, "nodejs22.x");
    assert.equal(fn.handler, "__index.handler");
    assert.equal(fn.reservedConcurrentExecutions, 1);
    assert.equal(fn.timeout, 60);
    assert.equal(fn.loggingConfig.logFormat, "JSON");
    assert.equal(
      fn.deadLetterConfig.targetArn,
      `arn:aws:sqs:${REGION}:${ACCOUNT}:${session.one(QUEUE).inputs.name ?? "rebalancer-dlq-1a2b3c4"}`,
    );
    assert.equal(fn.environment.variables.REBALANCER_WATCHED_CLUSTERS, `${DEMO_ARN},${PROD_ARN}`);
    assert.equal(fn.environment.variables.REBALANCER_SURGE_TIMEOUT_SECONDS, "900");
  });

  it("writes the log group with the configured retention and logs to it", async () => {
    const { session } = await build({ logRetentionDays: 30 });
    const logGroup = session.one("aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logGroup.inputs.retentionInDays, 30);
    assert.ok(session.one(FUNCTION).inputs.loggingConfig.logGroup);
  });

  it("never lets Lambda retry an event: a retry could only repeat writes", async () => {
    const { session } = await build();
    assert.equal(session.one(INVOKE_CONFIG).inputs.maximumRetryAttempts, 0);
  });

  describe("its own least-privilege role", () => {
    it("trusts only lambda.amazonaws.com and attaches no managed policy", async () => {
      const { session } = await build();
      const raw = session.one(ROLE).inputs.assumeRolePolicy;
      const trust = typeof raw === "string" ? JSON.parse(raw) : raw;
      assert.deepEqual(
        trust.Statement.map((s: any) => s.Principal),
        [{ Service: "lambda.amazonaws.com" }],
      );
      assert.deepEqual(session.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
    });

    it("grants no wildcard action, no iam:PassRole and no ecs:RegisterTaskDefinition", async () => {
      const { session } = await build();
      const actions = policyOf(session).Statement.flatMap((s) => s.Action);
      assert.ok(
        actions.every((a) => !a.includes("*")),
        actions.join(", "),
      );
      assert.ok(!actions.includes("iam:PassRole"));
      assert.ok(!actions.includes("ecs:RegisterTaskDefinition"));
    });

    it("grants exactly the ECS calls the engine makes", async () => {
      const { session } = await build();
      const ecsActions = policyOf(session)
        .Statement.flatMap((s) => s.Action)
        .filter((a) => a.startsWith("ecs:"))
        .sort();
      assert.deepEqual(ecsActions, [
        "ecs:DescribeContainerInstances",
        "ecs:DescribeServices",
        "ecs:DescribeTaskDefinition",
        "ecs:DescribeTasks",
        "ecs:ListContainerInstances",
        "ecs:ListServiceDeployments",
        "ecs:ListServices",
        "ecs:ListTasks",
        "ecs:StopTask",
        "ecs:TagResource",
        "ecs:UntagResource",
        "ecs:UpdateService",
        "ecs:UpdateTaskProtection",
      ]);
    });

    it("scopes every ECS write and describe to the watched clusters' resources", async () => {
      const { session } = await build();
      const statement = (action: string) => policyOf(session).Statement.find((s) => s.Action.includes(action))!;
      assert.deepEqual(statement("ecs:StopTask").Resource, [
        `arn:aws:ecs:${REGION}:${ACCOUNT}:task/rebalance-demo/*`,
        `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/*`,
      ]);
      assert.deepEqual(
        statement("ecs:UpdateTaskProtection").Resource,
        statement("ecs:StopTask").Resource,
        "protection: the watched clusters' tasks",
      );
      assert.deepEqual(
        statement("ecs:ListServiceDeployments").Resource,
        statement("ecs:UpdateService").Resource,
        "deployments: the watched clusters' services",
      );
      assert.deepEqual(statement("ecs:UpdateService").Resource, [
        `arn:aws:ecs:${REGION}:${ACCOUNT}:service/rebalance-demo/*`,
        `arn:aws:ecs:${REGION}:${ACCOUNT}:service/prod/*`,
      ]);
      assert.deepEqual(statement("ecs:DescribeContainerInstances").Resource, [
        `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/rebalance-demo/*`,
        `arn:aws:ecs:${REGION}:${ACCOUNT}:container-instance/prod/*`,
      ]);
      assert.deepEqual(statement("ecs:ListContainerInstances").Resource, [DEMO_ARN, PROD_ARN]);
    });

    it("conditions the cluster-less list calls on ecs:cluster", async () => {
      const { session } = await build();
      const list = policyOf(session).Statement.find((s) => s.Action.includes("ecs:ListTasks"))!;
      assert.equal(list.Resource, "*");
      assert.deepEqual(list.Condition, { ArnEquals: { "ecs:cluster": [DEMO_ARN, PROD_ARN] } });
    });
  });

  it("lets EventBridge invoke the function only from its own rules", async () => {
    const { session } = await build();
    const rules = session.ofType(RULE).map((r) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${r.inputs.name ?? `${r.name}-1a2b3c4`}`);
    const permissions = session.ofType(PERMISSION);
    assert.equal(permissions.length, 3);
    for (const permission of permissions) {
      assert.equal(permission.inputs.principal, "events.amazonaws.com");
      assert.equal(permission.inputs.action, "lambda:invokeFunction");
      assert.ok(rules.includes(permission.inputs.sourceArn), `${permission.inputs.sourceArn} is not one of ${rules.join(", ")}`);
    }
  });

  it("adds the schedule backstop from config, and none when schedule is none", async () => {
    const scheduled = await build({ schedule: "rate(30 minutes)" });
    assert.deepEqual(
      scheduled.session
        .ofType(RULE)
        .map((r) => r.inputs.scheduleExpression)
        .filter(Boolean),
      ["rate(30 minutes)"],
    );
    const unscheduled = await build({ schedule: "none" }, { stuckAlarmRuns: 0 });
    assert.equal(unscheduled.session.ofType(RULE).length, 2);
    assert.equal(unscheduled.session.ofType(PERMISSION).length, 2);
  });

  describe("alarms per watched cluster", () => {
    const ofCluster = (session: MockSession, prefix: string) =>
      session
        .ofType(ALARM)
        .filter((a) => a.name.startsWith(`rebalancer-${prefix}-`))
        .map((a) => [a.name, a.inputs] as const);

    it("stuck: OutOfBalance at its Minimum ≥ 1 in each of stuckAlarmRuns schedule periods in a row, per cluster name", async () => {
      const { session } = await build({ schedule: "rate(15 minutes)" }, { stuckAlarmRuns: 4 });
      const stuck = ofCluster(session, "stuck");
      assert.deepEqual(
        stuck.map(([name]) => name),
        ["rebalancer-stuck-rebalance-demo", "rebalancer-stuck-prod"],
      );
      for (const [, a] of stuck) {
        assert.deepEqual(
          [a.namespace, a.metricName, a.statistic, a.period, a.evaluationPeriods, a.datapointsToAlarm],
          ["ECSTaskRebalancer", "OutOfBalance", "Minimum", 900, 4, 4],
        );
        assert.deepEqual([a.threshold, a.comparisonOperator, a.treatMissingData], [1, "GreaterThanOrEqualToThreshold", "missing"]);
      }
      assert.deepEqual(
        stuck.map(([, a]) => a.dimensions.ClusterName),
        ["rebalance-demo", "prod"],
      );
    });

    it("the stuck alarm's period follows the schedule: rate(1 hour), 3 runs → 3 periods of 3600 s", async () => {
      const { session } = await build({ schedule: "rate(1 hour)" }, { stuckAlarmRuns: 3 });
      const [[, a]] = ofCluster(session, "stuck");
      assert.deepEqual([a.period, a.evaluationPeriods], [3600, 3]);
    });

    it("stuckAlarmRuns 0 → no stuck alarm, the others stay", async () => {
      const { session } = await build({}, { stuckAlarmRuns: 0 });
      assert.deepEqual(ofCluster(session, "stuck"), []);
      assert.equal(ofCluster(session, "failures").length, 2);
    });

    it("every alarm notifies alarmTopicArn when it fires and when it clears; none without it", async () => {
      const topic = "arn:aws:sns:us-east-1:123456789012:oncall";
      const { session } = await build({}, { alarmTopicArn: topic });
      const alarms = session.ofType(ALARM);
      assert.equal(alarms.length, 6);
      for (const a of alarms) assert.deepEqual([a.inputs.alarmActions, a.inputs.okActions], [[topic], [topic]]);
      const quiet = (await build()).session.ofType(ALARM);
      assert.ok(quiet.every((a) => a.inputs.alarmActions.length === 0));
    });

    it("failures: the cluster's RunFailures + WriteErrors summed over 5 minutes ≥ 1", async () => {
      const { session } = await build();
      const [[, a]] = ofCluster(session, "failures");
      const byId = Object.fromEntries(a.metricQueries.map((q: any) => [q.id, q]));
      assert.equal(byId.failures.expression, "runs + writes");
      assert.equal(byId.failures.returnData, true);
      assert.deepEqual([byId.runs.metric.metricName, byId.writes.metric.metricName], ["RunFailures", "WriteErrors"]);
      assert.deepEqual(
        [byId.runs.metric.stat, byId.runs.metric.period, byId.runs.metric.dimensions.ClusterName],
        ["Sum", 300, "rebalance-demo"],
      );
    });
  });

  it("alarms on function errors and on dead letters", async () => {
    const { session } = await build();
    const alarms = session.ofType(ALARM).map((a) => a.inputs);
    const errors = alarms.find((a) => a.metricName === "Errors")!;
    assert.equal(errors.namespace, "AWS/Lambda");
    assert.ok(errors.dimensions.FunctionName);
    assert.equal(errors.threshold, 1);
    assert.ok(alarms.some((a) => a.namespace === "AWS/SQS" && a.metricName === "ApproximateNumberOfMessagesVisible"));
  });

  it("parents every resource it declares to itself or to its subscriptions", async () => {
    const { session } = await build();
    const component = session.urnOf("ecs-rebalancer:infra:TaskRebalancer");
    const subscriptions = session.ofType("aws:cloudwatch:EventRuleEventSubscription").map((s) => s.urn);
    assert.equal(subscriptions.length, 3);
    for (const resource of session.resources) {
      if (resource.urn === component) continue;
      assert.ok([component, ...subscriptions].includes(resource.parent), `${resource.type} ${resource.name} has parent ${resource.parent}`);
    }
    assert.ok(session.outputsRegistered.has(component));
  });

  it("exports the watched cluster ARNs, names resolved in the stack's account and region", async () => {
    const { rebalancer } = await build();
    assert.deepEqual(await valueOf(rebalancer.watchedClusterArns), [DEMO_ARN, PROD_ARN]);
  });
});
