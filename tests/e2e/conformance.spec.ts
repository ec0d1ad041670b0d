import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { archivedRebalancer } from "../../cli/archivedRebalancer";
import { buildLambdaArchive, LambdaArchive } from "../../cli/lambdaArchive";
import { main } from "../../cli/main";
import { simulate } from "../../cli/simulation";
import { readScenarioFile } from "../../simulator";
import { recordExchanges, summarize, type ConformanceLog } from "../conformance/exchangeLog";
import { addInstances, addService, CLUSTER, newSimulator } from "../simulator/helpers";

/**
 * Conformance: what the engine sends and what the simulator answers, checked against the official
 * ECS model (the extract of botocore's service-2.json) in both directions, over the walkthrough,
 * every scenario file and the CLI's snapshot, plan and run. Zero violations is the bar: a request
 * ECS would refuse (the old `from=2;to=3;...` surge tag) or a member ECS never sends fails it.
 */
const SCENARIOS = path.join(__dirname, "..", "..", "scenarios");
/** Every ECS operation the engine calls. */
const ENGINE_OPERATIONS = [
  "ListContainerInstances",
  "ListServices",
  "ListTasks",
  "DescribeContainerInstances",
  "DescribeServices",
  "DescribeTasks",
  "DescribeTaskDefinition",
  "ListServiceDeployments",
  "TagResource",
  "UpdateService",
  "StopTask",
  "UntagResource",
  "UpdateTaskProtection",
];

async function recorded(work: () => Promise<void>): Promise<ConformanceLog> {
  const stop = recordExchanges();
  try {
    await work();
  } finally {
    logs.push(stop());
  }
  return logs[logs.length - 1];
}
const logs: ConformanceLog[] = [];

async function cli(...argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  try {
    return { code: await main(argv), stdout };
  } finally {
    process.stdout.write = write;
  }
}

describe("conformance: every exchange between the engine and the simulator against the official ECS model", function () {
  this.timeout(300000);
  let archive: LambdaArchive;
  before(async () => {
    archive = await buildLambdaArchive();
  });

  for (const file of fs
    .readdirSync(SCENARIOS)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    it(`${file}, with the rebalancer as deployed: balanced, and zero violations in both directions`, async () => {
      let balanced = false;
      const log = await recorded(async () => {
        const report = await simulate({
          scenario: readScenarioFile(path.join(SCENARIOS, file)),
          rebalancer: await archivedRebalancer(archive),
        });
        balanced = report.balanced;
      });
      assert.deepStrictEqual(log.violations, [], summarize(log));
      assert.ok(balanced);
    });
  }

  it("the CLI's snapshot, plan and run against the simulator: zero violations", async () => {
    const sim = newSimulator();
    const saved = { ...process.env };
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-conformance-"));
    try {
      addInstances(sim, [{ zone: "us-east-1a" }]);
      const placementStrategy = [
        { type: "spread" as const, field: "attribute:ecs.availability-zone" },
        { type: "spread" as const, field: "instanceId" },
      ];
      // DISABLED: the zone moves are ours (with ECS's default, ECS's own rebalancing would make them)
      addService(sim, "web", 2, { placementStrategy, availabilityZoneRebalancing: "DISABLED" });
      // at 50 %, a move stops first: StopTask is exercised too (a surge ends without one)
      addService(sim, "api", 4, {
        placementStrategy,
        availabilityZoneRebalancing: "DISABLED",
        deploymentConfiguration: { minimumHealthyPercent: 50, maximumPercent: 200 },
      });
      sim.settle(CLUSTER);
      addInstances(sim, [{ zone: "us-east-1b" }]);
      sim.settle(CLUSTER);
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_ECS: await sim.listen(),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "x",
        AWS_SECRET_ACCESS_KEY: "x",
      });
      const out = path.join(tmp, "snap.json");
      const log = await recorded(async () => {
        assert.strictEqual((await cli("snapshot", "--cluster", CLUSTER, "--out", out)).code, 0);
        assert.strictEqual((await cli("plan", "--snapshot", out, "--json")).code, 0);
        assert.strictEqual((await cli("run", "--cluster", CLUSTER)).code, 0);
        // the surge placed, a second run ends it: UpdateTaskProtection over the wire
        sim.settle(CLUSTER);
        assert.strictEqual((await cli("run", "--cluster", CLUSTER)).code, 0);
      });
      assert.deepStrictEqual(log.violations, [], summarize(log));
      assert.strictEqual(sim.apiCalls().byOperation.TagResource, 1, "the surge tag was accepted");
      assert.ok((sim.apiCalls().byOperation.StopTask ?? 0) >= 1, "api's move stopped a task");
      assert.ok((sim.apiCalls().byOperation.UpdateTaskProtection ?? 0) >= 1, "web's surge ended with its kept tasks protected");
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await sim.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("every operation the engine calls was checked in both directions", () => {
    const missing = ENGINE_OPERATIONS.filter(
      (op) => !logs.some((log) => (log.checked[op]?.requests ?? 0) > 0 && (log.checked[op]?.responses ?? 0) > 0),
    );
    assert.deepStrictEqual(missing, []);
  });
});
