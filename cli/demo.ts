import * as path from "path";
import { readScenarioFile } from "../simulator";
import { parseFlags } from "./args";
import { archivedRebalancer } from "./archivedRebalancer";
import { isMetricLine } from "./lambdaArchive";
import { formatMetricSummary, MetricSummary, sumMetricLines } from "./metricSummary";
import { simulate, SimulationReport } from "./simulation";
import { stepBars, summaryLines } from "./simulationFormat";

const SEED_WALKTHROUGH = path.join(__dirname, "..", "scenarios", "seed-walkthrough.json");

/**
 * `npm run demo`: the reference walkthrough twice on the simulator, ECS alone and then with the
 * rebalancer exactly as deployed (the serialized Lambda), printed side by side.
 */
export async function demoCommand(argv: string[]): Promise<void> {
  const flags = parseFlags("demo", argv, { json: { type: "boolean" } });
  const scenario = readScenarioFile(SEED_WALKTHROUGH);
  const without = await simulate({ scenario });
  // what the deployed function writes to stdout, as Lambda would ship it to CloudWatch Logs
  const metricLines: string[] = [];
  const output = (line: string) => void (isMetricLine(line) ? metricLines.push(line) : process.stderr.write(`${line}\n`));
  const withRebalancer = await simulate({ scenario, rebalancer: await archivedRebalancer(undefined, {}, output) });
  const metrics = sumMetricLines(metricLines);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ without, with: withRebalancer, metrics }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${sideBySide(scenario.description ?? scenario.name, without, withRebalancer, metrics)}\n`);
}

function sideBySide(title: string, left: SimulationReport, right: SimulationReport, metrics: MetricSummary): string {
  const width = 56;
  const lines = [title, "", `${"ECS alone".padEnd(width)}With the rebalancer`, `${"-".repeat(width - 2)}  ${"-".repeat(width - 2)}`];
  left.steps.forEach((step, i) => {
    const heading = `${i + 1}. ${step.name}`;
    lines.push("", `${heading.padEnd(width)}${heading}`);
    const a = stepBars(step, left.instanceNames);
    const b = stepBars(right.steps[i], right.instanceNames);
    for (let row = 0; row < Math.max(a.length, b.length); row++) lines.push(`${(a[row] ?? "").padEnd(width)}${b[row] ?? ""}`);
  });
  const [, leftLowest, , , leftBalanced] = summaryLines(left);
  lines.push("", "Without the rebalancer:", `  ${leftLowest}`, `  ${leftBalanced}`);
  lines.push("With the rebalancer:", ...summaryLines(right).map((l) => `  ${l}`));
  lines.push("", ...formatMetricSummary(metrics));
  const verdict = right.balanced && right.minHealthyHeld && !left.balanced
    ? `ECS left the new instance empty; the rebalancer moved ${right.moves} task(s) and never let a service fall below its minimum healthy count.`
    : "Unexpected outcome: see the numbers above.";
  lines.push("", verdict);
  return lines.join("\n");
}
