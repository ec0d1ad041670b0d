import { archivedRebalancer } from "../cli/archivedRebalancer";
import { measureArchive } from "./archiveSize";
import { measurePlanScale } from "./planScale";
import { benchScenario, ScenarioResult, setBaselineStepSeconds } from "./scenarioBench";
import { benchScenarios } from "./scenarios";

/** npm run bench [-- --json]: every scenario once (each is deterministic in virtual time), then plan scale and archive. */
async function main(): Promise<void> {
  const json = process.argv.includes("--json");
  const ours = await archivedRebalancer();
  const secondsIndex = process.argv.indexOf("--baseline-seconds");
  if (secondsIndex > 0) setBaselineStepSeconds(Number(process.argv[secondsIndex + 1]));
  const scenarios: ScenarioResult[] = [];
  for (const scenario of benchScenarios()) {
    const result = await benchScenario(scenario, ours);
    scenarios.push(result);
    process.stderr.write(`${result.name}: ${result.wallMs} ms\n`);
  }
  const planScale = [measurePlanScale()];
  const archive = await measureArchive();
  const output = { scenarios, planScale, ...archive };
  if (json) console.log(JSON.stringify(output, null, 2));
  else printTables(output);
}

function printTables(output: { scenarios: ScenarioResult[]; planScale: ReturnType<typeof measurePlanScale>[] } & Awaited<ReturnType<typeof measureArchive>>): void {
  const header = ["scenario", "svc", "tasks", "inst", "moves", "optimal", "seedRestarts", "forceRestarts", "maxSkew", "totalSkew", "minHealthy", "balanced", "reads/run", "bound", "writes", "runs", "secToBalance"];
  const rows = output.scenarios.map((r) => [
    r.name, r.services, r.tasks, r.instances, r.moves, r.optimalMoves,
    `${r.baselineSeedRestarts}${r.baselineSeedSettled ? "" : "+"}`, `${r.baselineForceDeployRestarts}${r.baselineForceDeploySettled ? "" : "+"}`,
    r.finalMaxSkew, r.finalTotalSkew, r.minHealthyHeld ? "held" : `NO (${r.belowFloor.join(", ")})`, r.balanced ? "yes" : "NO",
    r.apiReadsPerRun.toFixed(1), r.apiReadsLowerBound, r.apiWrites, r.invocations, r.simulatedSecondsToBalance,
  ].map(String));
  console.log(markdownTable(header, rows));
  console.log("\n(+: the baseline had not settled when cut off at the baseline step limit (default 600 simulated seconds, --baseline-seconds); its count is a floor)\n");
  console.log(markdownTable(["tasks", "instances", "services", "planMs", "parseMs", "plannedMoves"], output.planScale.map((p) => [p.tasks, p.instances, p.services, p.planMs.toFixed(0), p.parseMs.toFixed(0), p.plannedMoves].map(String))));
  console.log(`\nLambda archive: ${output.lambdaArchiveBytes} bytes; naive (SDK bundled): ${output.naiveArchiveBytes} bytes`);
  console.log(`Cold start (fresh node requiring __index.js): ${output.coldStartMs.toFixed(0)} ms; fresh node requiring nothing: ${output.emptyNodeMs.toFixed(0)} ms; ratio ${output.coldStartRatio.toFixed(2)}`);
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
