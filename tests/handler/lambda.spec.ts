import * as assert from "assert";
import { createEventHandler, InvocationResult } from "../../handler/lambda";
import { SETTINGS_ENV } from "../../handler/settings";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, instanceArn } from "./fixtures";

const OTHER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/other";
const NOW = new Date("2026-03-01T12:00:00Z");

function instanceEvent(id: string, clusterArn = CLUSTER_ARN, version: number | undefined = 7) {
  return {
    version: "0",
    id,
    "detail-type": "ECS Container Instance State Change",
    source: "aws.ecs",
    resources: [instanceArn(1)],
    detail: { clusterArn, containerInstanceArn: instanceArn(1), status: "ACTIVE", agentConnected: true, version },
  };
}

const scheduled = (id: string) => ({ version: "0", id, "detail-type": "Scheduled Event", source: "aws.events", detail: {} });

/** The reference cluster (2 tasks on one of two instances) and a second, empty one. */
function setup(env: Record<string, string | undefined> = { [SETTINGS_ENV.watchedClusters]: `${CLUSTER_ARN},${OTHER_ARN}` }) {
  const other = { ...buildSnapshot([], []), clusterArn: OTHER_ARN };
  const fake = new FakeEcs(buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]), other);
  const lines: string[] = [];
  const metrics: any[] = [];
  const throttles = { throttled: 0 };
  const handle = createEventHandler({
    ecs: fake,
    env,
    now: () => NOW,
    write: (line) => lines.push(line),
    writeMetrics: (line) => metrics.push(JSON.parse(line)),
    throttles,
  });
  return { fake, lines, handle, metrics, throttles };
}

const clustersListed = (fake: FakeEcs) => fake.calls.filter((c) => c.op === "listServices").map((c) => c.args[0]);

describe("lambda: createEventHandler", () => {
  it("Lambda's context says 3 s remain (under the 5 s reserve): the plan is made, no write is started, the wave is reported stopped", async () => {
    const { fake, lines, handle } = setup();
    const result = await handle(instanceEvent("e-late"), { getRemainingTimeInMillis: () => 3000 });
    assert.strictEqual(result.outcome, "rebalanced");
    assert.deepStrictEqual(fake.writes(), []);
    assert.ok(lines.some((l) => /wave stopped: function time running short/.test(l)));
    assert.deepStrictEqual(result.clusters?.[0].errors, 0);
  });

  it("control: with 60 s remaining the same event surges web", async () => {
    const { fake, handle } = setup();
    await handle(instanceEvent("e-early"), { getRemainingTimeInMillis: () => 60_000 });
    assert.deepStrictEqual(
      fake.writes().map((c) => c.op),
      ["tagResource", "updateServiceDesiredCount"],
    );
  });

  it("an instance change on a watched cluster: runs that cluster only", async () => {
    const { fake, handle } = setup();
    const result = await handle(instanceEvent("e1"));
    assert.strictEqual(result.outcome, "rebalanced");
    assert.deepStrictEqual(result.clusters, [{ clusterArn: CLUSTER_ARN, moves: 1, actions: 1, errors: 0 }]);
    assert.deepStrictEqual(clustersListed(fake), [CLUSTER_ARN]);
    assert.deepStrictEqual(
      fake.writes().map((c) => c.op),
      ["tagResource", "updateServiceDesiredCount"],
    );
  });

  it("an instance change on a cluster not watched: ignored with no ECS call at all", async () => {
    const { fake, handle } = setup({ [SETTINGS_ENV.watchedClusters]: OTHER_ARN });
    const result = await handle(instanceEvent("e1"));
    assert.strictEqual(result.outcome, "ignored");
    assert.match(result.reason!, /not watched/);
    assert.strictEqual(fake.count(), 0);
  });

  const malformed: Array<[string, unknown]> = [
    ["null", null],
    ["a string", "ECS Container Instance State Change"],
    ["an array", [instanceEvent("e1")]],
    ["an empty object", {}],
    ["detail missing", { ...instanceEvent("e1"), detail: undefined }],
    ["detail.clusterArn a number", { ...instanceEvent("e1"), detail: { clusterArn: 7 } }],
  ];
  for (const [name, event] of malformed) {
    it(`a malformed event (${name}): returns ignored, never throws, no ECS call`, async () => {
      const { fake, handle } = setup();
      const result = await handle(event);
      assert.strictEqual(result.outcome, "ignored");
      assert.strictEqual(fake.count(), 0);
    });
  }

  it("a duplicate delivery (same instance, same detail.version) is ignored with no ECS call; a new version is acted on", async () => {
    const { fake, handle } = setup();
    await handle(instanceEvent("e1", CLUSTER_ARN, 7));
    const calls = fake.count();
    const duplicate = await handle(instanceEvent("e1-again", CLUSTER_ARN, 7));
    assert.deepStrictEqual([duplicate.outcome, duplicate.reason], ["ignored", "duplicate delivery"]);
    assert.strictEqual(fake.count(), calls);
    const next = await handle(instanceEvent("e2", CLUSTER_ARN, 8));
    assert.strictEqual(next.outcome, "rebalanced");
    assert.ok(fake.count() > calls);
  });

  it("a scheduled event runs every watched cluster", async () => {
    const { fake, handle } = setup();
    const result = await handle(scheduled("s1"));
    assert.strictEqual(result.outcome, "rebalanced");
    assert.deepStrictEqual(clustersListed(fake), [CLUSTER_ARN, OTHER_ARN]);
    assert.deepStrictEqual(
      result.clusters!.map((c) => c.clusterArn),
      [CLUSTER_ARN, OTHER_ARN],
    );
  });

  it("a SERVICE_STEADY_STATE service action runs its cluster only", async () => {
    const { fake, handle } = setup();
    const event = {
      ...instanceEvent("a1"),
      "detail-type": "ECS Service Action",
      detail: { clusterArn: OTHER_ARN, eventName: "SERVICE_STEADY_STATE" },
    };
    assert.strictEqual((await handle(event)).outcome, "rebalanced");
    assert.deepStrictEqual(clustersListed(fake), [OTHER_ARN]);
  });

  const badSettings: Array<[string, Record<string, string | undefined>]> = [
    ["no watched cluster", {}],
    ["a bad budget", { [SETTINGS_ENV.watchedClusters]: CLUSTER_ARN, [SETTINGS_ENV.maxMovesPerRun]: "lots" }],
  ];
  for (const [name, env] of badSettings) {
    it(`invalid settings (${name}): outcome failed with the reason, no ECS call, no throw`, async () => {
      const { fake, lines, handle } = setup(env);
      const result = await handle(scheduled("s1"));
      assert.strictEqual(result.outcome, "failed");
      assert.match(result.reason!, /REBALANCER_/);
      assert.strictEqual(fake.count(), 0);
      assert.ok(lines.some((l) => JSON.parse(l).level === "error"));
    });
  }

  it("a run that fails (throttled past the SDK's retries): outcome failed, never throws", async () => {
    const { fake, handle } = setup();
    fake.throttle("listTasks");
    const result: InvocationResult = await handle(instanceEvent("e1"));
    assert.strictEqual(result.outcome, "failed");
    assert.match(result.reason!, /ThrottlingException/);
  });

  it("every log line is JSON carrying correlationId = the event id", async () => {
    const { lines, handle } = setup();
    await handle(instanceEvent("event-42"));
    await handle(null);
    assert.ok(lines.length >= 3);
    const parsed = lines.map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      parsed.map((p) => p.correlationId),
      parsed.map((_, i) => (i < parsed.length - 1 ? "event-42" : "?")),
    );
    assert.ok(parsed.some((p) => p.message === "plan"));
  });

  describe("metrics (embedded metric format)", () => {
    const clusterDocs = (metrics: any[]) => metrics.filter((m) => m._aws.CloudWatchMetrics[0].Dimensions[0].length === 1);

    it("a scheduled run writes one ClusterName document per watched cluster, in the ECSTaskRebalancer namespace", async () => {
      const { handle, metrics } = setup();
      await handle(scheduled("s1"));
      const docs = clusterDocs(metrics);
      assert.deepStrictEqual(
        docs.map((d) => d.ClusterName),
        ["demo", "other"],
      );
      for (const d of docs) {
        assert.strictEqual(d._aws.CloudWatchMetrics[0].Namespace, "ECSTaskRebalancer");
        assert.strictEqual(d._aws.Timestamp, NOW.getTime());
        assert.strictEqual(d.correlationId, "s1");
      }
      assert.strictEqual(docs[0].SurgesStarted, 1, "the reference cluster surges its one move");
      assert.strictEqual(docs[0].OutOfBalance, 1);
      assert.strictEqual(docs[1].OutOfBalance, 0);
    });

    it("an ignored event writes no metrics: nothing ran", async () => {
      const { handle, metrics } = setup({ [SETTINGS_ENV.watchedClusters]: OTHER_ARN });
      await handle(instanceEvent("e1"));
      assert.deepStrictEqual(metrics, []);
    });

    it("a run that throws still writes its cluster's document, with RunFailures 1", async () => {
      const { fake, handle, metrics } = setup();
      fake.fail("listServices", "ServerException", { message: "boom" });
      const result = await handle(instanceEvent("e1"));
      assert.strictEqual(result.outcome, "failed");
      const [doc] = clusterDocs(metrics);
      assert.deepStrictEqual([doc.ClusterName, doc.RunFailures, doc.TasksMoved], ["demo", 1, 0]);
      assert.match(doc.error, /ServerException: boom/);
    });

    it("reports the throttled calls of each run, not the cold start's running total", async () => {
      const { fake, handle, metrics, throttles } = setup();
      throttles.throttled = 5; // an earlier invocation's
      const listServices = fake.listServices.bind(fake);
      fake.listServices = async (cluster: string) => {
        throttles.throttled += 2;
        return listServices(cluster);
      };
      await handle(instanceEvent("e1"));
      assert.strictEqual(clusterDocs(metrics)[0].ThrottledCalls, 2);
    });
  });
});
