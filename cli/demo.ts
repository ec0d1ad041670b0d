import * as path from "path";
import { readScenarioFile } from "../simulator";
import { parseFlags } from "./args";
import { archivedRebalancer } from "./archivedRebalancer";
import { buildLambdaArchive, isMetricLine } from "./lambdaArchive";
import { formatMetricSummary, MetricSummary, sumMetricLines } from "./metricSummary";
import { simulate, SimulationReport, StepReport } from "./simulation";
import { stepBars, stepTotals, summaryLines, zoneSpreads } from "./simulationFormat";

const SEED_WALKTHROUGH = path.join(__dirname, "..", "scenarios", "seed-walkthrough.json");
const MANY_SMALL_SERVICES = path.join(__dirname, "..", "scenarios", "many-small-services.json");

/**
 * `npm run demo`: on the simulator, ECS alone and then with the rebalancer exactly as deployed (the
 * serialized Lambda), printed side by side, in two scenes: the reference walkthrough, then many
 * small services, where every service is balanced on its own and only the cluster load pass puts
 * work on the new instances.
 */
export async function demoCommand(argv: string[]): Promise<void> {
  const flags = parseFlags("demo", argv, { json: { type: "boolean" } });
  const archive = await buildLambdaArchive();
  const scenario = readScenarioFile(SEED_WALKTHROUGH);
  const without = await simulate({ scenario });
  // what the deployed function writes to stdout, as Lambda would ship it to CloudWatch Logs
  const metricLines: string[] = [];
  const output = (line: string) => void (isMetricLine(line) ? metricLines.push(line) : process.stderr.write(`${line}\n`));
  const withRebalancer = await simulate({ scenario, rebalancer: await archivedRebalancer(archive, {}, output) });
  const metrics = sumMetricLines(metricLines);
  // the second scene: many small services, each balanced on its own, the new instances empty
  const manySmall = readScenarioFile(MANY_SMALL_SERVICES);
  const quiet = (line: string) => void (isMetricLine(line) ? undefined : process.stderr.write(`${line}\n`));
  const second = {
    without: await simulate({ scenario: manySmall }),
    with: await simulate({ scenario: manySmall, rebalancer: await archivedRebalancer(archive, {}, quiet) }),
  };
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ without, with: withRebalancer, metrics, manySmallServices: second }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${sideBySide(scenario.description ?? scenario.name, without, withRebalancer, metrics)}\n\n\n`);
  process.stdout.write(`${loadScene(manySmall.description ?? manySmall.name, second.without, second.with)}\n`);
}

/** The second scene: task totals per instance, and how far apart a zone's instances end. */
function loadScene(title: string, left: SimulationReport, right: SimulationReport): string {
  const lines = columns(title, left, right, stepTotals);
  const spread = (report: SimulationReport) => zoneSpreads(report.steps[report.steps.length - 1], report.instanceNames);
  const describe = (spreads: Record<string, number>) =>
    Object.entries(spreads)
      .map(([zone, n]) => `${zone} ${n}`)
      .join(", ");
  const [leftSpread, rightSpread] = [spread(left), spread(right)];
  lines.push(
    "",
    "Without the rebalancer:",
    `  Tasks apart within a zone (fullest − emptiest instance): ${describe(leftSpread)}`,
    `  ${summaryLines(left)[4]}`,
  );
  lines.push(
    "With the rebalancer:",
    `  Tasks apart within a zone (fullest − emptiest instance): ${describe(rightSpread)}`,
    ...summaryLines(right).map((l) => `  ${l}`),
  );
  const evened = Object.values(rightSpread).every((n) => n <= 1) && Object.values(leftSpread).some((n) => n > 1);
  const verdict =
    evened && right.balanced && right.minHealthyHeld
      ? `Every service counts as balanced either way; ECS alone left the new instances empty, and the rebalancer's load pass filled them (${right.moves} task(s) moved, every service kept its spread and its minimum healthy count).`
      : "Unexpected outcome: see the numbers above.";
  lines.push("", verdict);
  return lines.join("\n");
}

function columns(
  title: string,
  left: SimulationReport,
  right: SimulationReport,
  bars: (step: StepReport, names: Record<string, string>) => string[],
): string[] {
  const width = 56;
  const lines = [title, "", `${"ECS alone".padEnd(width)}With the rebalancer`, `${"-".repeat(width - 2)}  ${"-".repeat(width - 2)}`];
  left.steps.forEach((step, i) => {
    const heading = `${i + 1}. ${step.name}`;
    lines.push("", `${heading.padEnd(width)}${heading}`);
    const a = bars(step, left.instanceNames);
    const b = bars(right.steps[i], right.instanceNames);
    for (let row = 0; row < Math.max(a.length, b.length); row++) lines.push(`${(a[row] ?? "").padEnd(width)}${b[row] ?? ""}`);
  });
  return lines;
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
  const verdict =
    right.balanced && right.minHealthyHeld && !left.balanced
      ? `ECS left the new instance empty; the rebalancer moved ${right.moves} task(s) and never let a service fall below its minimum healthy count.`
      : "Unexpected outcome: see the numbers above.";
  lines.push("", verdict);
  return lines.join("\n");
}
