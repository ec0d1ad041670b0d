import * as fs from "fs";
import { DEFAULT_CLUSTER_LOAD_ARGS, MAX_BAND_TASKS } from "../handler/clusterLoad/args";
import { createLogger, silentLogger } from "../handler/log";
import { planMoves } from "../handler/planner";
import { rebalance } from "../handler/rebalance";
import { readSnapshot } from "../handler/snapshot";
import { DEFAULT_SETTINGS } from "../handler/settings";
import { createEcsClient, createSdkEcsPort } from "../handler/sdkEcsPort";
import { integerFlag, parseFlags, required } from "./args";
import { CliError, EXIT } from "./cliError";
import { planJson, planText, waveText } from "./planFormat";
import { readSnapshotFile } from "./snapshotFile";

const USAGE = `Usage: ecs-rebalance <command> [flags]

Commands:
  snapshot --cluster C [--region R] [--out FILE]     write a cluster's snapshot (JSON)
  plan --snapshot FILE [--json] [--load-band N] [--no-pin]
                                                      print the moves that would balance it, and each instance's load
  run --cluster C [--region R] [--dry-run] [--json]   execute one wave against a live cluster
      [--max-moves-per-run N] [--max-moves-per-service N] [--max-moves-per-instance N] [--load-band N] [--no-pin] [--verbose]
  simulate --scenario FILE [--json] [--no-rebalancer] run a scenario on the built-in ECS simulator,
      [--throttle-rate R] [--duplicate-events R]      with the serialized Lambda in the loop
  demo                                                the reference walkthrough, without and with the rebalancer

AWS_ENDPOINT_URL_ECS points the SDK at another ECS endpoint (for example the simulator).

Runs on Node.js 20 or later (the Lambda runs nodejs22.x). AWS SDK releases after the first week of
January 2027 need Node.js 22: the lockfile pins one that runs on 20; upgrade Node before the SDK.`;

type Command = (argv: string[]) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  snapshot: snapshotCommand,
  plan: planCommand,
  run: runCommand,
  simulate: async (argv) => (await import("./simulateCommand")).simulateCommand(argv),
  demo: async (argv) => (await import("./demo")).demoCommand(argv),
};

/** Runs the CLI and returns its exit code; bad input is one line on stderr and exit code 2. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name ? EXIT.ok : EXIT.usage;
  }
  // `ecs-rebalance simulate --help`: the usage, and nothing run (a live `run` least of all)
  if (COMMANDS[name] && rest.some((arg) => arg === "--help" || arg === "-h")) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new CliError(`unknown command "${name}" (expected ${Object.keys(COMMANDS).join(", ")})`);
    await command(rest);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`ecs-rebalance: ${error.message}\n`);
      return EXIT.usage;
    }
    const e = error as Error;
    process.stderr.write(`ecs-rebalance: ${name} failed: ${e.name}: ${firstLine(e.message)}\n`);
    return EXIT.failed;
  }
}

async function snapshotCommand(argv: string[]): Promise<void> {
  const flags = parseFlags("snapshot", argv, {
    cluster: { type: "string" },
    region: { type: "string" },
    out: { type: "string" },
  });
  const cluster = required("snapshot", "cluster", flags.cluster);
  const { snapshot, failures } = await readSnapshot(ecsPort("snapshot", flags.region), cluster);
  if (failures.length > 0) process.stderr.write(`ecs-rebalance: ${failures.length} describe failure(s): ${JSON.stringify(failures)}\n`);
  const json = `${JSON.stringify(snapshot, null, 2)}\n`;
  if (typeof flags.out === "string") fs.writeFileSync(flags.out, json);
  else process.stdout.write(json);
}

async function planCommand(argv: string[]): Promise<void> {
  const flags = parseFlags("plan", argv, {
    snapshot: { type: "string" },
    json: { type: "boolean" },
    "load-band": { type: "string" },
    "no-pin": { type: "boolean" },
  });
  const bandTasks = loadBandFlag("plan", flags["load-band"]);
  const snapshot = readSnapshotFile(required("plan", "snapshot", flags.snapshot));
  const plan = planMoves(snapshot, {
    now: new Date(),
    surgeTimeoutSeconds: DEFAULT_SETTINGS.surgeTimeoutSeconds,
    clusterLoad: { bandTasks, pinMoves: flags["no-pin"] !== true && DEFAULT_CLUSTER_LOAD_ARGS.pinMoves },
  });
  process.stdout.write(`${flags.json ? JSON.stringify(planJson(plan), null, 2) : planText(plan, snapshot)}\n`);
}

async function runCommand(argv: string[]): Promise<void> {
  const flags = parseFlags("run", argv, {
    cluster: { type: "string" },
    region: { type: "string" },
    "dry-run": { type: "boolean" },
    json: { type: "boolean" },
    verbose: { type: "boolean" },
    "max-moves-per-run": { type: "string" },
    "max-moves-per-service": { type: "string" },
    "max-moves-per-instance": { type: "string" },
    "load-band": { type: "string" },
    "no-pin": { type: "boolean" },
  });
  const cluster = required("run", "cluster", flags.cluster);
  const clusterLoadBand = loadBandFlag("run", flags["load-band"]);
  const log = flags.verbose ? createLogger({ correlationId: "cli" }, { write: (l) => process.stderr.write(`${l}\n`) }) : silentLogger;
  const report = await rebalance(ecsPort("run", flags.region), cluster, {
    dryRun: flags["dry-run"] === true,
    maxMovesPerRun: integerFlag("run", "max-moves-per-run", flags["max-moves-per-run"], 1, 1000, DEFAULT_SETTINGS.maxMovesPerRun),
    maxMovesPerService: integerFlag(
      "run",
      "max-moves-per-service",
      flags["max-moves-per-service"],
      1,
      1000,
      DEFAULT_SETTINGS.maxMovesPerService,
    ),
    maxMovesPerInstance: integerFlag(
      "run",
      "max-moves-per-instance",
      flags["max-moves-per-instance"],
      1,
      1000,
      DEFAULT_SETTINGS.maxMovesPerInstance,
    ),
    surgeTimeoutSeconds: DEFAULT_SETTINGS.surgeTimeoutSeconds,
    clusterLoadBand,
    pinLoadMoves: flags["no-pin"] !== true,
    now: new Date(),
    log,
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ plan: planJson(report.plan), wave: report.wave }, null, 2)}\n`);
  } else {
    process.stdout.write(
      `Planned ${report.plan.moves.length} move(s), ${report.plan.skipped.length} service(s) skipped\n${waveText(report.wave)}\n`,
    );
  }
  if (report.wave.errors.length > 0) throw new Error(`${report.wave.errors.length} write(s) failed`);
}

/** --load-band N (tasks from each zone's average; 0 or false: the load pass off), as the stack config key. */
function loadBandFlag(command: string, value: string | boolean | undefined): number {
  if (value === "false") return 0;
  return integerFlag(command, "load-band", value, 0, MAX_BAND_TASKS, DEFAULT_SETTINGS.clusterLoadBand);
}

// an AWS region as its name is spelled (us-east-1, us-gov-west-1): the SDK builds a host name from it
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** The same SDK adapter the Lambda uses; AWS_ENDPOINT_URL_ECS and the usual credential chain apply. */
function ecsPort(command: string, region: unknown) {
  if (region !== undefined && (typeof region !== "string" || !REGION.test(region))) {
    throw new CliError(`${command}: --region "${String(region)}" must be an AWS region name such as us-east-1`);
  }
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const sdk = require("@aws-sdk/client-ecs");
  return createSdkEcsPort(sdk, createEcsClient(sdk, region));
}

function firstLine(text: string): string {
  return text.split("\n")[0];
}
