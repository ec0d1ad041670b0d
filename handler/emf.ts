import { RunMeasures } from "./runMetrics";

/**
 * The function's metrics in CloudWatch's embedded metric format: one JSON document per line on
 * stdout, which CloudWatch Logs turns into metrics as it ingests the log (no PutMetricData call, no
 * agent). Written with process.stdout.write, not console.log: with the Lambda JSON log format the
 * runtime wraps console output in its own JSON object, which would hide the `_aws` key; the EMF
 * client library writes to stdout directly for the same reason.
 *
 * Emitted directly rather than through Powertools' Metrics utility: the documents are a few dozen
 * lines of plain JSON, while @aws-lambda-powertools/metrics 2.36.0 ships 59 KB of CommonJS and needs
 * @aws-lambda-powertools/commons (63 KB) and @aws/lambda-invoke-store (4 KB): more than the whole
 * 100 KB archive budget, which the engine already fills to 94 KB.
 */
export const METRICS_NAMESPACE = "ECSTaskRebalancer";

/** Per cluster (dimension ClusterName): every count of a run, with its CloudWatch unit. */
export const CLUSTER_METRICS = {
  TasksMoved: "Count",
  MovesPlanned: "Count",
  MovesDeferred: "Count",
  SurgesStarted: "Count",
  SurgesCompleted: "Count",
  SurgesRolledBack: "Count",
  SurgesForgotten: "Count",
  SurgesInFlight: "Count",
  ThrottledCalls: "Count",
  WriteErrors: "Count",
  RunFailures: "Count",
  OutOfBalance: "None",
  LoadBand: "Count",
  MaxSkewBefore: "Count",
  MaxSkewAfter: "Count",
  RunDuration: "Milliseconds",
} as const;

export type ClusterMetric = keyof typeof CLUSTER_METRICS;

/** The other dimension sets: skips by reason, load band by zone, skew by service. */
export const DIMENSIONED_METRICS = {
  ServicesSkipped: { dimension: "Reason", unit: "Count" },
  ZoneLoadBand: { dimension: "AvailabilityZone", unit: "Count" },
  ServiceSkewBefore: { dimension: "ServiceName", unit: "Count" },
  ServiceSkewAfter: { dimension: "ServiceName", unit: "Count" },
} as const;

export interface RunContext {
  durationMs: number;
  throttledCalls: number;
  timestamp: number;
  /** Searchable in Logs Insights, not dimensions (a dimension per event would make a metric per event). */
  properties: Record<string, unknown>;
}

/** One run's EMF documents, one per line: the cluster's counts first, then one per dimension value. */
export function emfLines(measures: RunMeasures, context: RunContext): string[] {
  const values: Record<ClusterMetric, number> = {
    ...measures.counts,
    ThrottledCalls: context.throttledCalls,
    RunDuration: Math.round(context.durationMs),
  };
  const lines = [document(context, ["ClusterName"], { ClusterName: measures.clusterName }, CLUSTER_METRICS, values)];
  const add = (key: string, metrics: Partial<Record<keyof typeof DIMENSIONED_METRICS, number>>) => {
    const names = Object.keys(metrics) as Array<keyof typeof DIMENSIONED_METRICS>;
    const dimension = DIMENSIONED_METRICS[names[0]].dimension;
    const units = Object.fromEntries(names.map((n) => [n, DIMENSIONED_METRICS[n].unit]));
    lines.push(
      document(
        context,
        ["ClusterName", dimension],
        { ClusterName: measures.clusterName, [dimension]: key },
        units,
        metrics as Record<string, number>,
      ),
    );
  };
  for (const [reason, count] of Object.entries(measures.skippedByReason)) add(reason, { ServicesSkipped: count });
  for (const [zone, band] of Object.entries(measures.loadBandByZone)) add(zone, { ZoneLoadBand: band });
  for (const s of measures.services) add(s.serviceName, { ServiceSkewBefore: s.before, ServiceSkewAfter: s.after });
  return lines;
}

function document(
  context: RunContext,
  dimensions: string[],
  dimensionValues: Record<string, string>,
  units: Record<string, string>,
  values: Record<string, number>,
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: context.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [dimensions],
          Metrics: Object.entries(units).map(([Name, Unit]) => ({ Name, Unit })),
        },
      ],
    },
    ...context.properties,
    ...dimensionValues,
    ...values,
  });
}
