import { parseFlags, required } from "./args";
import { CliError } from "./cliError";
import { archivedRebalancer } from "./archivedRebalancer";
import { simulate } from "./simulation";
import { simulationText } from "./simulationFormat";
import { withConsoleOnStderr } from "./consoleOnStderr";
import { readScenarioFile } from "../simulator";

/** `ecs-rebalance simulate --scenario FILE [--json] [--no-rebalancer]`. */
export async function simulateCommand(argv: string[]): Promise<void> {
  const flags = parseFlags("simulate", argv, {
    scenario: { type: "string" },
    json: { type: "boolean" },
    "no-rebalancer": { type: "boolean" },
    "throttle-rate": { type: "string" },
    "duplicate-events": { type: "string" },
  });
  const file = required("simulate", "scenario", flags.scenario);
  let scenario;
  try {
    scenario = readScenarioFile(file);
  } catch (error) {
    throw new CliError((error as Error).message.split("\n")[0]);
  }
  const faults = {
    throttleRate: rate("throttle-rate", flags["throttle-rate"]),
    duplicateEventRate: rate("duplicate-events", flags["duplicate-events"]),
  };
  // stdout carries the report alone (one JSON object with --json): the Lambda's log lines, which it
  // writes with console.log as Lambda expects, go to stderr while the simulation runs
  const report = await withConsoleOnStderr(async () =>
    simulate({ scenario, rebalancer: flags["no-rebalancer"] ? undefined : await archivedRebalancer(), faults }),
  );
  process.stdout.write(`${flags.json ? JSON.stringify(report, null, 2) : simulationText(report)}\n`);
}

function rate(flag: string, value: unknown): number {
  if (value === undefined) return 0;
  const number = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !(number >= 0 && number <= 1)) {
    throw new CliError(`simulate: --${flag} "${String(value)}" must be a number from 0 to 1`);
  }
  return number;
}
