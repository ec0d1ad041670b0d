import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as vm from "vm";
import * as zlib from "zlib";
import { createRequire } from "module";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "../infra/config";
import type { LambdaRuntime } from "./virtualRuntime";

/**
 * The Lambda code exactly as `pulumi up` would upload it: the TaskRebalancer component is built
 * under Pulumi's mocks (no CLI, no AWS), and the function's code archive is read back from the
 * mocked `aws:lambda/function:Function`.
 */
export interface LambdaArchive {
  /** File names in the archive. */
  files: string[];
  /** The serialized handler module. */
  indexJs: string;
  /** Size of every file's text, in bytes (the archive's payload before zip compression). */
  bytes: number;
  /**
   * The .zip Lambda receives: each file deflated (as Pulumi's archive writer does) plus the zip
   * format's local and central headers; bundled packages (bundleAwsSdk) count at their payload size.
   */
  zipBytes: number;
}

export async function buildLambdaArchive(options: { bundleAwsSdk?: boolean } = {}): Promise<LambdaArchive> {
  let captured: Record<string, unknown> | undefined;
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type === "aws:lambda/function:Function") captured = args.inputs;
        return { id: `${args.name}-id`, state: { ...args.inputs, arn: `arn:aws:mock:::${args.name}`, name: args.name } };
      },
      call: (args) => ({ ...args.inputs, partition: "aws", name: "us-east-1", region: "us-east-1", accountId: "123456789012" }),
    },
    "ecs-task-rebalancer",
    "archive",
    false,
  );
  // loaded after the mocks are set, so that the component registers against them
  const { TaskRebalancer } = await import("../infra/taskRebalancer");
  // the stack's defaults; the handler's own settings come from the environment at run time anyway
  const defaults = parseStackConfig(() => undefined);
  const { targetClusters: _, ...settings } = defaults.rebalancer;
  // no alarms or dashboard: only the code is wanted, and resources left registering in this mock
  // session would still be pending when the next one starts
  const monitoring = { dashboard: false, stuckAlarmRuns: 0, alarmTopicArn: undefined };
  new TaskRebalancer("archive", { watchedClusters: ["archive"], settings, monitoring, bundleAwsSdk: options.bundleAwsSdk });
  return readArchive(await waitFor(() => captured?.code));
}

async function readArchive(code: unknown): Promise<LambdaArchive> {
  const assets = (await (code as pulumi.asset.AssetArchive).assets) as Record<string, unknown>;
  const files = Object.keys(assets).sort();
  const index = assets["__index.js"] as pulumi.asset.StringAsset | undefined;
  if (!index) throw new Error(`invariant: the Lambda archive has no __index.js (files: ${files.join(", ")})`);
  const indexJs = (await index.text) as string;
  let bytes = 0;
  let zipBytes = ZIP_END_RECORD;
  for (const file of files) {
    const size = await sizeOf(assets[file]);
    bytes += size;
    const text = file === "__index.js" ? indexJs : undefined;
    zipBytes += zipEntryOverhead(file) + (text === undefined ? size : zlib.deflateRawSync(text).length);
  }
  return { files, indexJs, bytes, zipBytes };
}

// zip format (APPNOTE 4.3.7, 4.3.12, 4.3.16): a 30-byte local header and a 46-byte central header
// per entry, each with the name, and a 22-byte end record
const ZIP_END_RECORD = 22;
function zipEntryOverhead(name: string): number {
  return 30 + 46 + 2 * Buffer.byteLength(name);
}

/** A StringAsset's text, or the bytes on disk of a FileArchive/FileAsset (bundled packages). */
async function sizeOf(asset: unknown): Promise<number> {
  const text = await (asset as { text?: Promise<string> }).text;
  if (typeof text === "string") return Buffer.byteLength(text);
  const file = (await (asset as { path?: Promise<string> }).path) as string | undefined;
  return file ? directorySize(file) : 0;
}

function directorySize(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, entry) => sum + directorySize(path.join(target, entry)), 0);
}

async function waitFor<T>(read: () => T | undefined): Promise<T> {
  for (let i = 0; i < 2000; i++) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error("invariant: the mocked Lambda function was never registered");
}

/**
 * Loads the serialized handler the way Lambda would: from a directory of its own in which only
 * `@aws-sdk/client-ecs` resolves (as the nodejs22.x runtime provides it), with the environment
 * the component sets. The callback factory runs at load, like a cold start.
 */
export function loadArchivedHandler(
  indexJs: string,
  env: Record<string, string>,
  output: (line: string) => void = passThroughLogs,
  runtime?: LambdaRuntime,
): (event: unknown) => Promise<any> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-rebalancer-lambda-"));
  const sdkHome = path.join(dir, "node_modules", "@aws-sdk");
  fs.mkdirSync(sdkHome, { recursive: true });
  fs.symlinkSync(path.dirname(require.resolve("@aws-sdk/client-ecs/package.json")), path.join(sdkHome, "client-ecs"));
  const file = path.join(dir, "__index.js");
  fs.writeFileSync(file, indexJs);
  // Lambda keeps its environment for the life of the process; here it is set around each call
  // (the SDK resolves region and endpoint lazily, at the first request)
  const handler = withEnvironment(env, () =>
    runtime ? loadWithTimeOf(file, indexJs, runtime) : (require(file).handler as ArchivedHandler),
  );
  return (event) =>
    withEnvironmentAsync(env, () =>
      withStdout(output, async () => {
        if (!runtime) return handler(event);
        const invocation = runtime.invocation();
        try {
          return await handler(event, invocation.context);
        } finally {
          invocation.end();
        }
      }),
    );
}

type ArchivedHandler = (event: unknown, context?: unknown) => Promise<any>;

/**
 * Loads the module as Node would, except that its free `Date`, `setTimeout` and `clearTimeout` are
 * the simulation's (virtualRuntime.ts). Only the archive's own code sees them: the SDK, loaded
 * from node_modules, keeps the real ones, and it sleeps only through the clock the archive gives it.
 */
function loadWithTimeOf(file: string, indexJs: string, runtime: LambdaRuntime): ArchivedHandler {
  const wrapped = `(function (exports, require, module, __filename, __dirname, Date, setTimeout, clearTimeout) {${indexJs}\n})`;
  const load = vm.runInThisContext(wrapped, { filename: file });
  const module = { exports: {} as Record<string, unknown> };
  load.call(
    module.exports,
    module.exports,
    createRequire(file),
    module,
    file,
    path.dirname(file),
    runtime.Date,
    runtime.setTimeout,
    runtime.clearTimeout,
  );
  return module.exports.handler as ArchivedHandler;
}

// the terminal as it was before any invocation took stdout over (withStdout)
const terminal = process.stdout.write.bind(process.stdout);

/** By default the function's log lines reach the terminal, and its metric lines (EMF) do not. */
function passThroughLogs(line: string): void {
  if (!isMetricLine(line)) terminal(`${line}\n`);
}

/** An embedded-metric-format document: a JSON object with the `_aws` metadata key. */
export function isMetricLine(line: string): boolean {
  return line.startsWith('{"_aws":');
}

/**
 * What the function writes to stdout during one invocation, line by line, as Lambda would ship it to
 * CloudWatch Logs. Invocations run one at a time (reserved concurrency 1), so nothing else writes
 * to stdout meanwhile.
 */
async function withStdout<T>(output: (line: string) => void, work: () => Promise<T>): Promise<T> {
  const original = process.stdout.write;
  let pending = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    pending += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) output(line);
    return true;
  }) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = original;
    if (pending) output(pending);
  }
}

function withEnvironment<T>(env: Record<string, string>, work: () => T): T {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return work();
  } finally {
    restore(saved);
  }
}

async function withEnvironmentAsync<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    restore(saved);
  }
}

function restore(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
}
