import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseStackConfig } from "../../infra/config";
import { EMITTED_METRICS, graphedMetrics } from "../../infra/rebalancerDashboard";
import { TaskRebalancer } from "../../infra/taskRebalancer";
import { MockSession, settle, startMockSession } from "./pulumiMocks";

const SNAPSHOT = join(__dirname, "rebalancerDashboard.snapshot.json");
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const DEFAULTS = parseStackConfig(() => undefined);
const { targetClusters: _, ...SETTINGS } = DEFAULTS.rebalancer;

async function build(dashboard = true): Promise<MockSession> {
  const session = await startMockSession();
  new TaskRebalancer("rebalancer", {
    watchedClusters: ["rebalance-demo", "arn:aws:ecs:us-east-1:123456789012:cluster/prod"],
    settings: SETTINGS,
    monitoring: { ...DEFAULTS.monitoring, dashboard },
  });
  for (let i = 0; i < 400 && session.ofType("aws:lambda/permission:Permission").length < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await settle(session);
  return session;
}

describe("infra/rebalancerDashboard: the TaskRebalancer's dashboard", function () {
  this.timeout(60000);
  let session: MockSession;
  let body: { widgets: Array<Record<string, any>> };
  before(async () => {
    session = await build();
    body = JSON.parse(session.one(DASHBOARD).inputs.dashboardBody);
  });

  it("is laid out exactly as the pinned widget JSON (rewrite with UPDATE_SNAPSHOT=1 after a deliberate change)", () => {
    if (process.env.UPDATE_SNAPSHOT === "1") writeFileSync(SNAPSHOT, `${JSON.stringify(body, null, 2)}\n`);
    assert.deepEqual(body, JSON.parse(readFileSync(SNAPSHOT, "utf8")));
  });

  it("is one per stack, named after the project and stack", () => {
    assert.equal(session.one(DASHBOARD).inputs.dashboardName, "ecs-task-rebalancer-test");
  });

  it("graphs every metric the function emits, and no metric it does not", () => {
    assert.deepEqual(graphedMetrics(body), EMITTED_METRICS);
  });

  it("shows every alarm of the component in its alarm widget", () => {
    const alarmWidget = body.widgets.find((w) => w.type === "alarm")!;
    const arns = session
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .map((a) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${a.name}-1a2b3c4`);
    assert.deepEqual([...alarmWidget.properties.alarms].sort(), arns.sort());
    assert.equal(arns.length, 2 + 2 * 2, "errors, dead letters, and failures + stuck per cluster");
  });

  it("has a band of graphs per watched cluster, each graph filtered to that cluster", () => {
    for (const cluster of ["rebalance-demo", "prod"]) {
      const heading = body.widgets.findIndex((w) => w.properties.markdown === `## Cluster ${cluster}`);
      assert.ok(heading >= 0, `no heading for ${cluster}`);
      const graphs = body.widgets.slice(heading + 1, heading + 7);
      assert.equal(graphs.length, 6);
      for (const graph of graphs) {
        const text = JSON.stringify(graph.properties.metrics);
        assert.ok(
          text.includes(`"ClusterName","${cluster}"`) || text.includes(`ClusterName=\\"${cluster}\\"`),
          `${graph.properties.title} is not filtered to ${cluster}`,
        );
      }
    }
  });

  it("fits CloudWatch's 24-column grid with no two widgets overlapping", () => {
    const cells = new Set<string>();
    for (const w of body.widgets) {
      assert.ok(w.x >= 0 && w.x + w.width <= 24, `widget at x=${w.x} width ${w.width}`);
      for (let x = w.x; x < w.x + w.width; x++) {
        for (let y = w.y; y < w.y + w.height; y++) {
          assert.ok(!cells.has(`${x},${y}`), `overlap at ${x},${y}`);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it("dashboard = false → no dashboard, the alarms stay", async () => {
    const without = await build(false);
    assert.equal(without.ofType(DASHBOARD).length, 0);
    assert.equal(without.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 6);
  });
});
