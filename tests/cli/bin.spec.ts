import * as assert from "assert";
import { execFile } from "child_process";
import * as path from "path";
import { EcsSimulator } from "../../simulator";
import { CLUSTER, newSimulator } from "../simulator/helpers";

const BIN = path.join(__dirname, "..", "..", "bin", "ecs-rebalance.js");
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

/** Runs the real executable, as `npx ecs-rebalance` does, with the variable under test unset unless given. */
function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  delete base.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...argv],
      { env: { ...base, ...env }, cwd: path.join(__dirname, "..", "..") },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe("bin/ecs-rebalance: what a newcomer sees", function () {
  this.timeout(60000);
  let sim: EcsSimulator;
  let env: Record<string, string>;
  before(async () => {
    sim = newSimulator();
    env = { AWS_ENDPOINT_URL_ECS: await sim.listen(), AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "x" };
  });
  after(() => sim.close());
  const snapshot = ["snapshot", "--cluster", CLUSTER];

  it("a command that calls ECS through the SDK prints nothing on stderr (no NodeVersionSupportWarning), and its JSON on stdout", async () => {
    const result = await run(snapshot, env);
    assert.strictEqual(result.code, 0, result.stderr);
    assert.strictEqual(result.stderr, "");
    assert.deepStrictEqual(Object.keys(JSON.parse(result.stdout)).sort(), [
      "clusterArn",
      "containerInstances",
      "services",
      "taskDefinitions",
      "tasks",
    ]);
  });

  it("the notice is the SDK's, switched off with its own variable: =false shows it again on Node below 22", async function () {
    if (NODE_MAJOR >= 22) this.skip(); // the SDK only warns below Node 22
    const result = await run(snapshot, { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "false" });
    assert.match(result.stderr, /NodeVersionSupportWarning/);
  });

  it("--help says which Node.js versions the CLI runs on", async () => {
    const result = await run(["--help"]);
    assert.match(result.stdout, /Runs on Node\.js 20 or later/);
  });
});
