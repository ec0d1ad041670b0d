import { SimulationReport, StepReport } from "./simulation";

/** Tasks per instance as text bars, step by step, then the totals. */
export function simulationText(report: SimulationReport): string {
  const lines = [`Scenario ${report.scenario}, ${report.rebalancer ? "with" : "without"} the rebalancer`];
  report.steps.forEach((step, i) => {
    lines.push("", `${i + 1}. ${step.name} (${step.seconds} s simulated${step.steady ? "" : ", NOT steady"})`);
    lines.push(...stepBars(step, report.instanceNames));
  });
  lines.push("", ...summaryLines(report));
  return lines.join("\n");
}

export function stepBars(step: StepReport, names: Record<string, string>): string[] {
  const services = [...new Set(Object.values(step.distribution).flatMap((counts) => Object.keys(counts)))].sort();
  return Object.entries(step.distribution).map(([arn, counts]) => {
    const bars = services.filter((s) => counts[s]).map((s) => `${s} ${"■".repeat(counts[s])}`);
    return `   ${(names[arn] ?? arn.slice(-12)).padEnd(32)} ${bars.join("  ") || "(empty)"}`;
  });
}

export function summaryLines(report: SimulationReport): string[] {
  // each service at its worst second: the fewest RUNNING tasks against its minimum healthy count then
  const lowest = Object.entries(report.lowestFloorMargin)
    .map(([name, worst]) => `${name} ${worst.running} (floor ${worst.floor})`)
    .join(", ");
  return [
    `Tasks moved by the rebalancer: ${report.moves}`,
    `Lowest running count: ${lowest}${report.minHealthyHeld ? "" : "  <-- BELOW the minimum healthy count"}`,
    `API calls by the rebalancer: ${report.apiCalls.read} reads, ${report.apiCalls.write} writes (${report.invocations} invocations)`,
    `Task definitions registered: ${report.taskDefinitionsRegistered}`,
    `Balanced at the end: ${report.balanced ? "yes" : `no (${report.unbalanced.join(", ")})`}`,
  ];
}

/** Each instance's total task count as a bar (many small services do not fit one bar per service). */
export function stepTotals(step: StepReport, names: Record<string, string>): string[] {
  return Object.entries(step.distribution).map(([arn, counts]) => {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return `   ${(names[arn] ?? arn.slice(-12)).padEnd(32)} ${total ? `${"■".repeat(total)} ${total}` : "(empty)"}`;
  });
}

/** Max − min of the instances' total task counts within each zone, at the end of a step. */
export function zoneSpreads(step: StepReport, names: Record<string, string>): Record<string, number> {
  const totals = new Map<string, number[]>();
  for (const [arn, counts] of Object.entries(step.distribution)) {
    const zone = /\(([^)]+)\)/.exec(names[arn] ?? "")?.[1] ?? "?";
    totals.set(zone, [...(totals.get(zone) ?? []), Object.values(counts).reduce((a, b) => a + b, 0)]);
  }
  return Object.fromEntries([...totals].sort().map(([zone, list]) => [zone, Math.max(...list) - Math.min(...list)]));
}
