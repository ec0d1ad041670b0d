import { CLUSTER_METRICS, ClusterMetric, DIMENSIONED_METRICS, METRICS_NAMESPACE } from "../handler/emf";

/**
 * The CloudWatch dashboard body of the rebalancer (pure, so its layout can be pinned by a test):
 * the alarms first, then one band of graphs per watched cluster from the function's own metrics
 * (handler/emf.ts), then the function and its dead-letter queue. CloudWatch lays widgets on a
 * 24-column grid.
 */
export interface DashboardInput {
  region: string;
  functionName: string;
  deadLetterQueueName: string;
  clusterNames: readonly string[];
  alarmArns: readonly string[];
  /** Seconds between scheduled runs: one datapoint per run per graph period. */
  periodSeconds: number;
}

type MetricRow = Array<string | Record<string, unknown>>;
type Widget = Record<string, unknown>;

export function dashboardBody(input: DashboardInput): { widgets: Widget[] } {
  const widgets: Widget[] = [
    text(
      0,
      0,
      24,
      2,
      "# ECS task rebalancer\nPer watched cluster: how uneven it is, what was moved, surges, skips by reason, throttling and errors. Metrics come from the function (embedded metric format, namespace `" +
        METRICS_NAMESPACE +
        "`).",
    ),
    { type: "alarm", x: 0, y: 2, width: 24, height: 3, properties: { title: "Alarms", alarms: [...input.alarmArns] } },
  ];
  let y = 5;
  for (const cluster of input.clusterNames) {
    widgets.push(...clusterWidgets(cluster, y, input));
    y += 13;
  }
  widgets.push(...functionWidgets(y, input));
  return { widgets };
}

function clusterWidgets(cluster: string, y: number, input: DashboardInput): Widget[] {
  const m = (name: ClusterMetric, stat: string): MetricRow => [METRICS_NAMESPACE, name, "ClusterName", cluster, { stat, label: name }];
  const graph = (x: number, dy: number, title: string, metrics: MetricRow[], extra: Record<string, unknown> = {}) =>
    metricWidget(x, y + 1 + dy, title, metrics, input, extra);
  return [
    text(0, y, 24, 1, `## Cluster ${cluster}`),
    graph(0, 0, "Balance: load band (worst zone), largest service skew", [
      m("LoadBand", "Maximum"),
      m("MaxSkewBefore", "Maximum"),
      m("MaxSkewAfter", "Maximum"),
      m("OutOfBalance", "Minimum"),
    ]),
    graph(8, 0, "Tasks moved and surges", [
      m("TasksMoved", "Sum"),
      m("SurgesStarted", "Sum"),
      m("SurgesCompleted", "Sum"),
      m("SurgesRolledBack", "Sum"),
      m("SurgesForgotten", "Sum"),
      m("SurgesInFlight", "Maximum"),
      m("MovesDeferred", "Sum"),
      m("MovesPlanned", "Sum"),
    ]),
    graph(16, 0, "Services skipped, by reason", [search(cluster, "ServicesSkipped", "Maximum", input.periodSeconds, "s")]),
    graph(0, 6, "Skew per service, before and after each run", [
      search(cluster, "ServiceSkewBefore", "Maximum", input.periodSeconds, "b"),
      search(cluster, "ServiceSkewAfter", "Maximum", input.periodSeconds, "a"),
    ]),
    graph(8, 6, "Load band per zone", [search(cluster, "ZoneLoadBand", "Maximum", input.periodSeconds, "z")]),
    graph(16, 6, "Throttled calls, write errors, failed runs, run duration", [
      m("ThrottledCalls", "Sum"),
      m("WriteErrors", "Sum"),
      m("RunFailures", "Sum"),
      [...m("RunDuration", "Maximum").slice(0, 4), { stat: "Maximum", label: "RunDuration (ms)", yAxis: "right" }],
    ]),
  ];
}

/** Every series of a dimensioned metric for one cluster (one line per reason, zone or service). */
function search(cluster: string, metric: keyof typeof DIMENSIONED_METRICS, stat: string, period: number, id: string): MetricRow {
  const dimension = DIMENSIONED_METRICS[metric].dimension;
  const query = `{${METRICS_NAMESPACE},ClusterName,${dimension}} MetricName="${metric}" ClusterName="${cluster}"`;
  return [{ expression: `SEARCH('${query}', '${stat}', ${period})`, id, label: "" }];
}

function functionWidgets(y: number, input: DashboardInput): Widget[] {
  const lambda = (name: string, stat: string): MetricRow => ["AWS/Lambda", name, "FunctionName", input.functionName, { stat }];
  return [
    text(0, y, 24, 1, "## The function"),
    metricWidget(
      0,
      y + 1,
      "Invocations, errors, throttles",
      [lambda("Invocations", "Sum"), lambda("Errors", "Sum"), lambda("Throttles", "Sum")],
      input,
    ),
    metricWidget(8, y + 1, "Duration", [lambda("Duration", "Maximum"), lambda("Duration", "Average")], input),
    metricWidget(
      16,
      y + 1,
      "Dead letters",
      [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", input.deadLetterQueueName, { stat: "Maximum" }]],
      input,
    ),
  ];
}

function metricWidget(
  x: number,
  y: number,
  title: string,
  metrics: MetricRow[],
  input: DashboardInput,
  extra: Record<string, unknown> = {},
): Widget {
  return {
    type: "metric",
    x,
    y,
    width: 8,
    height: 6,
    properties: { title, region: input.region, view: "timeSeries", stacked: false, period: input.periodSeconds, metrics, ...extra },
  };
}

function text(x: number, y: number, width: number, height: number, markdown: string): Widget {
  return { type: "text", x, y, width, height, properties: { markdown } };
}

/** The cluster metrics the dashboard graphs, for the test that every emitted one is on it. */
export function graphedMetrics(body: { widgets: Widget[] }): string[] {
  const names = new Set<string>();
  for (const widget of body.widgets) {
    const metrics = (widget.properties as { metrics?: MetricRow[] }).metrics ?? [];
    for (const row of metrics) {
      if (row[0] === METRICS_NAMESPACE) names.add(row[1] as string);
      const expression = (row[0] as { expression?: string }).expression;
      const match = expression && /MetricName="(\w+)"/.exec(expression);
      if (match) names.add(match[1]);
    }
  }
  return [...names].sort();
}

export const EMITTED_METRICS = [...Object.keys(CLUSTER_METRICS), ...Object.keys(DIMENSIONED_METRICS)].sort();
