import * as assert from "assert";
import { emfLines } from "../../handler/emf";
import { measureFailedRun, RunMeasures } from "../../handler/runMetrics";
import { formatMetricSummary, sumMetricLines } from "../../cli/metricSummary";

function run(counts: Partial<RunMeasures["counts"]>, durationMs = 100): string[] {
  const base = measureFailedRun("arn:aws:ecs:us-east-1:123456789012:cluster/demo");
  const measures = { ...base, counts: { ...base.counts, RunFailures: 0, ...counts }, skippedByReason: { "not-replica": 1 } };
  return emfLines(measures, { durationMs, throttledCalls: 1, timestamp: 0, properties: {} });
}

describe("metricSummary: the function's EMF lines added up", () => {
  const lines = [...run({ TasksMoved: 2, OutOfBalance: 1, LoadBand: 3 }), ...run({ TasksMoved: 1, LoadBand: 1 }, 50)];

  it("counts every line, but only ClusterName documents as runs", () => {
    const summary = sumMetricLines(lines);
    assert.deepStrictEqual([summary.lines, summary.runs], [4, 2]);
  });

  it("sums each metric over the runs and keeps its largest value", () => {
    const summary = sumMetricLines(lines);
    assert.deepStrictEqual(
      [summary.sums.TasksMoved, summary.sums.ThrottledCalls, summary.sums.RunDuration, summary.sums.OutOfBalance],
      [3, 2, 150, 1],
    );
    assert.strictEqual(summary.maxima.LoadBand, 3);
  });

  it("prints the sums, and the gauges as their worst value", () => {
    const text = formatMetricSummary(sumMetricLines(lines)).join("\n");
    assert.match(text, /^Metrics the function emitted: 4 EMF lines from 2 runs, summed:/);
    assert.match(text, /TasksMoved 3 /);
    assert.match(text, /OutOfBalance in 1 of 2 runs · LoadBand max 3 /);
  });
});
