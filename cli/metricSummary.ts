import { CLUSTER_METRICS, ClusterMetric } from "../handler/emf";

/**
 * The function's metric lines (EMF documents on its stdout), added up per cluster the way a
 * CloudWatch Sum over the whole demo would: counts are summed; for the gauges the sum means little,
 * so the summary also keeps their largest value.
 */
export interface MetricSummary {
  /** EMF documents read, of every dimension set. */
  lines: number;
  /** Runs: documents with the ClusterName dimension alone (one per cluster per run). */
  runs: number;
  sums: Record<ClusterMetric, number>;
  maxima: Record<ClusterMetric, number>;
}

const GAUGES: ClusterMetric[] = ["OutOfBalance", "LoadBand", "MaxSkewBefore", "MaxSkewAfter", "RunDuration"];

export function sumMetricLines(lines: string[]): MetricSummary {
  const names = Object.keys(CLUSTER_METRICS) as ClusterMetric[];
  const zero = () => Object.fromEntries(names.map((n) => [n, 0])) as Record<ClusterMetric, number>;
  const summary: MetricSummary = { lines: 0, runs: 0, sums: zero(), maxima: zero() };
  for (const line of lines) {
    const doc = JSON.parse(line);
    summary.lines++;
    const [dimensions] = doc._aws.CloudWatchMetrics[0].Dimensions as string[][];
    if (dimensions.length !== 1 || dimensions[0] !== "ClusterName") continue;
    summary.runs++;
    for (const name of names) {
      summary.sums[name] += doc[name];
      summary.maxima[name] = Math.max(summary.maxima[name], doc[name]);
    }
  }
  return summary;
}

/** A few lines for the terminal: every count summed, and the gauges' worst value. */
export function formatMetricSummary(summary: MetricSummary): string[] {
  const counts = (Object.keys(CLUSTER_METRICS) as ClusterMetric[]).filter((n) => !GAUGES.includes(n));
  const pairs = counts.map((n) => `${n} ${summary.sums[n]}`);
  const rows: string[] = [];
  for (let i = 0; i < pairs.length; i += 4) rows.push(`  ${pairs.slice(i, i + 4).join(" · ")}`);
  const m = summary.maxima;
  return [
    `Metrics the function emitted: ${summary.lines} EMF lines from ${summary.runs} runs, summed:`,
    ...rows,
    `  OutOfBalance in ${summary.sums.OutOfBalance} of ${summary.runs} runs · LoadBand max ${m.LoadBand} · MaxSkewBefore max ${m.MaxSkewBefore} · MaxSkewAfter max ${m.MaxSkewAfter} · RunDuration ${summary.sums.RunDuration} ms`,
  ];
}
