import * as assert from "assert";
import { builtinModules } from "module";
import { buildLambdaArchive, isMetricLine, LambdaArchive, loadArchivedHandler } from "../../cli/lambdaArchive";
import { SURGE_TAG } from "../../handler/surgeTag";
import { buildSnapshot, CLUSTER_ARN, instanceArn } from "../handler/fixtures";
import { startRecordingEcs } from "./recordingEcs";

/** The documented shape of "ECS Container Instance State Change", for the instance that just joined. */
function instanceStateChange(clusterArn: string, containerInstanceArn: string, version = 3) {
  return {
    version: "0",
    id: "8952ba83-7be2-4ab5-9c32-6687532d15a2",
    "detail-type": "ECS Container Instance State Change",
    source: "aws.ecs",
    account: "123456789012",
    time: "2026-11-22T10:00:00Z",
    region: "us-east-1",
    resources: [containerInstanceArn],
    detail: {
      agentConnected: true,
      attributes: [
        { name: "ecs.availability-zone", value: "us-east-1b" },
        { name: "ecs.os-type", value: "linux" },
      ],
      clusterArn,
      containerInstanceArn,
      ec2InstanceId: "i-00000000000000001",
      registeredResources: [
        { name: "CPU", type: "INTEGER", integerValue: 2048 },
        { name: "MEMORY", type: "INTEGER", integerValue: 3904 },
        { name: "PORTS", type: "STRINGSET", stringSetValue: ["22", "2376", "2375", "51678", "51679"] },
      ],
      remainingResources: [
        { name: "CPU", type: "INTEGER", integerValue: 2048 },
        { name: "MEMORY", type: "INTEGER", integerValue: 3904 },
      ],
      status: "ACTIVE",
      version,
      versionInfo: { agentVersion: "1.87.0", dockerVersion: "DockerVersion: 25.0.6" },
      updatedAt: "2026-11-22T10:00:00.000Z",
      registeredAt: "2026-11-22T09:59:00.000Z",
    },
  };
}

describe("the serialized Lambda, round trip", function () {
  this.timeout(60000);
  let archive: LambdaArchive;
  before(async () => {
    archive = await buildLambdaArchive();
  });

  // the budget is on the .zip Lambda stores and loads at a cold start; the code itself is reported
  // beside it (BENCHMARKS.md), and a bundled SDK (about 8 MB) would break both
  it("is one __index.js, with no node_modules, in a .zip of at most 100 KB", () => {
    assert.deepStrictEqual(archive.files, ["__index.js"]);
    assert.ok(archive.zipBytes <= 100 * 1024, `the archive's .zip is ${archive.zipBytes} bytes`);
    assert.ok(archive.zipBytes < archive.bytes, "the .zip is smaller than the code it holds");
  });

  it("requires nothing but @aws-sdk/client-ecs and Node's built-in modules (the runtime provides them)", () => {
    const required = new Set([...archive.indexJs.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    const notProvided = [...required].filter((name) => name !== "@aws-sdk/client-ecs" && !builtinModules.includes(name));
    assert.deepStrictEqual(notProvided, []);
    assert.ok(required.has("@aws-sdk/client-ecs"));
  });

  async function invoke(event: unknown, options: { throttleFirst?: number } = {}) {
    const snapshot = buildSnapshot([{ zone: "us-east-1a", tasks: { web: 2 } }, { zone: "us-east-1b" }], [{ name: "web" }]);
    const ecs = await startRecordingEcs(snapshot, options);
    const stdout: string[] = [];
    try {
      const handler = loadArchivedHandler(
        archive.indexJs,
        {
          AWS_ENDPOINT_URL_ECS: ecs.endpoint,
          AWS_REGION: "us-east-1",
          AWS_ACCESS_KEY_ID: "test",
          AWS_SECRET_ACCESS_KEY: "test",
          REBALANCER_WATCHED_CLUSTERS: CLUSTER_ARN,
          REBALANCER_LOG_LEVEL: "error",
        },
        (line) => stdout.push(line),
      );
      const result = await handler(event);
      return { result, calls: ecs.calls, metrics: stdout.filter(isMetricLine).map((l) => JSON.parse(l)) };
    } finally {
      await ecs.close();
    }
  }

  it("on the reference case, reads the cluster once and starts one surge: tag, then desired 2 → 3", async () => {
    const { result, calls } = await invoke(instanceStateChange(CLUSTER_ARN, instanceArn(1)));
    assert.strictEqual(result.outcome, "rebalanced");
    const reads = calls
      .filter((c) => /^(List|Describe)/.test(c.operation))
      .map((c) => c.operation)
      .sort();
    assert.deepStrictEqual(reads, [
      "DescribeContainerInstances",
      "DescribeServices",
      "DescribeTaskDefinition",
      "DescribeTasks",
      "ListContainerInstances",
      "ListServiceDeployments",
      "ListServices",
      "ListTasks",
    ]);
    const deployments = calls.find((c) => c.operation === "ListServiceDeployments")!.body;
    assert.deepStrictEqual(
      deployments.status,
      ["PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"],
      "asked over the wire with the status filter",
    );
    const writes = calls.filter((c) => !/^(List|Describe)/.test(c.operation));
    assert.deepStrictEqual(
      writes.map((c) => c.operation),
      ["TagResource", "UpdateService"],
    );
    assert.strictEqual(writes[0].body.tags[0].key, SURGE_TAG);
    assert.match(writes[0].body.tags[0].value, /^from=2 to=3 at=/);
    assert.strictEqual(writes[1].body.desiredCount, 3);
    assert.strictEqual(writes[1].body.taskDefinition, undefined, "never changes the task definition");
    assert.deepStrictEqual(calls.find((c) => c.operation === "DescribeServices")!.body.include, ["TAGS"]);
    // what the archived Lambda puts on the wire is valid for ECS itself, and so is what the fake answered
    assert.deepStrictEqual(
      calls.flatMap((c) => c.violations),
      [],
    );
  });

  it("writes its metrics to stdout as EMF documents: the reference case is one surge, skew 2 → 0", async () => {
    const { metrics } = await invoke(instanceStateChange(CLUSTER_ARN, instanceArn(1)));
    const [cluster] = metrics;
    assert.deepStrictEqual(cluster._aws.CloudWatchMetrics[0].Dimensions, [["ClusterName"]]);
    assert.deepStrictEqual(
      [cluster.ClusterName, cluster.SurgesStarted, cluster.TasksMoved, cluster.OutOfBalance, cluster.ThrottledCalls],
      ["demo", 1, 0, 1, 0],
    );
    const web = metrics.find((m) => m.ServiceName === "web");
    assert.deepStrictEqual([web.ServiceSkewBefore, web.ServiceSkewAfter], [2, 0]);
  });

  it("counts throttled attempts that the SDK's retries then absorbed (ThrottledCalls 2, the run still succeeds)", async () => {
    const { result, metrics } = await invoke(instanceStateChange(CLUSTER_ARN, instanceArn(1)), { throttleFirst: 2 });
    assert.strictEqual(result.outcome, "rebalanced");
    assert.strictEqual(metrics[0].ThrottledCalls, 2);
  });

  it("makes no call at all for a cluster it does not watch", async () => {
    const other = CLUSTER_ARN.replace("/demo", "/other");
    const { result, calls } = await invoke(instanceStateChange(other, instanceArn(1)));
    assert.strictEqual(result.outcome, "ignored");
    assert.deepStrictEqual(calls, []);
  });

  it("returns without throwing and without a call on a malformed event", async () => {
    const { result, calls } = await invoke({ source: "aws.ecs", detail: "nonsense" });
    assert.strictEqual(result.outcome, "ignored", JSON.stringify(result));
    assert.deepStrictEqual(calls, []);
  });
});
