import * as assert from "assert";
import { CLUSTER_METRICS, DIMENSIONED_METRICS, emfLines, METRICS_NAMESPACE } from "../../handler/emf";
import { measureFailedRun, RunMeasures } from "../../handler/runMetrics";

const CONTEXT = {
  durationMs: 1234.4,
  throttledCalls: 3,
  timestamp: 1_772_366_400_000,
  properties: { correlationId: "e-1", dryRun: false },
};

function sample(): RunMeasures {
  const base = measureFailedRun("arn:aws:ecs:us-east-1:123456789012:cluster/prod");
  return {
    ...base,
    counts: { ...base.counts, RunFailures: 0, TasksMoved: 2, LoadBand: 3 },
    skippedByReason: { "not-replica": 2, "ignored-by-tag": 1 },
    loadBandByZone: { "us-east-1a": 3, "us-east-1b": 0 },
    services: [{ serviceName: "web", before: 2, after: 0 }],
  };
}

/** What CloudWatch requires of an EMF document (Specification: Embedded metric format). */
function assertValidEmf(doc: any): void {
  const [directive] = doc._aws.CloudWatchMetrics;
  assert.strictEqual(doc._aws.CloudWatchMetrics.length, 1);
  assert.strictEqual(typeof doc._aws.Timestamp, "number");
  assert.strictEqual(directive.Namespace, METRICS_NAMESPACE);
  for (const set of directive.Dimensions) {
    assert.ok(set.length >= 1 && set.length <= 30);
    for (const key of set) assert.strictEqual(typeof doc[key], "string", `dimension ${key} must be a string member`);
  }
  assert.ok(directive.Metrics.length >= 1 && directive.Metrics.length <= 100);
  for (const { Name, Unit } of directive.Metrics) {
    assert.strictEqual(typeof doc[Name], "number", `metric ${Name} must have a number member`);
    assert.ok(Unit);
  }
}

describe("emf: embedded metric format documents", () => {
  it("every line is one valid EMF document", () => {
    const lines = emfLines(sample(), CONTEXT);
    for (const line of lines) {
      assert.ok(!line.includes("\n"));
      assertValidEmf(JSON.parse(line));
    }
  });

  it("the first document carries every cluster metric under ClusterName, with throttles and the duration of this run", () => {
    const [first] = emfLines(sample(), CONTEXT).map((l) => JSON.parse(l));
    assert.deepStrictEqual(first._aws.CloudWatchMetrics[0].Dimensions, [["ClusterName"]]);
    assert.deepStrictEqual(
      first._aws.CloudWatchMetrics[0].Metrics.map((m: any) => m.Name),
      Object.keys(CLUSTER_METRICS),
    );
    assert.deepStrictEqual([first.ClusterName, first.TasksMoved, first.ThrottledCalls, first.RunDuration], ["prod", 2, 3, 1234]);
    assert.strictEqual(first._aws.CloudWatchMetrics[0].Metrics.find((m: any) => m.Name === "RunDuration").Unit, "Milliseconds");
  });

  it("one document per skip reason, per zone and per service, each with ClusterName and its own dimension", () => {
    const docs = emfLines(sample(), CONTEXT)
      .slice(1)
      .map((l) => JSON.parse(l));
    const summary = docs.map((d) => [d._aws.CloudWatchMetrics[0].Dimensions[0].join("+"), d.Reason ?? d.AvailabilityZone ?? d.ServiceName]);
    assert.deepStrictEqual(summary, [
      ["ClusterName+Reason", "not-replica"],
      ["ClusterName+Reason", "ignored-by-tag"],
      ["ClusterName+AvailabilityZone", "us-east-1a"],
      ["ClusterName+AvailabilityZone", "us-east-1b"],
      ["ClusterName+ServiceName", "web"],
    ]);
    assert.deepStrictEqual(
      [docs[0].ServicesSkipped, docs[2].ZoneLoadBand, docs[4].ServiceSkewBefore, docs[4].ServiceSkewAfter],
      [2, 3, 2, 0],
    );
  });

  it("properties such as the correlation id ride along without becoming dimensions", () => {
    for (const line of emfLines(sample(), CONTEXT)) {
      const doc = JSON.parse(line);
      assert.strictEqual(doc.correlationId, "e-1");
      assert.ok(!doc._aws.CloudWatchMetrics[0].Dimensions.flat().includes("correlationId"));
    }
  });

  it("declares each dimensioned metric's dimension once (the dashboard reads the same table)", () => {
    assert.deepStrictEqual(Object.fromEntries(Object.entries(DIMENSIONED_METRICS).map(([k, v]) => [k, v.dimension])), {
      ServicesSkipped: "Reason",
      ZoneLoadBand: "AvailabilityZone",
      ServiceSkewBefore: "ServiceName",
      ServiceSkewAfter: "ServiceName",
    });
  });
});
