import { RebalancerFactory, simulate, SimulationReport } from "../cli/simulation";
import { EcsSimulator, Scenario } from "../simulator";
import { forceDeployRebalancer, referenceRebalancer } from "./baselines";
import { ClusterMeasures, measureCluster } from "./clusterMeasures";

export interface ScenarioResult {
  name: string;
  services: number;
  tasks: number;
  instances: number;
  moves: number;
  optimalMoves: number;
  baselineSeedRestarts: number;
  baselineForceDeployRestarts: number;
  finalMaxSkew: number;
  finalTotalSkew: number;
  minHealthyHeld: boolean;
  balanced: boolean;
  apiReads: number;
  apiReadsPerRun: number;
  apiReadsLowerBound: number;
  apiWrites: number;
  invocations: number;
  simulatedSecondsToBalance: number;
  /** Whether each baseline settled within BASELINE_STEP_SECONDS per step. */
  baselineSeedSettled: boolean;
  baselineForceDeploySettled: boolean;
  /** Services whose running count dipped below the floor (name: lowest / floor). */
  belowFloor: string[];
  wallMs: number;
}

interface Run {
  report: SimulationReport;
  sim: EcsSimulator;
}

/** Baselines that never settle are cut off here (virtual seconds per step), so their restart counts are a floor. */
export let BASELINE_STEP_SECONDS = 600;
export function setBaselineStepSeconds(seconds: number): void {
  BASELINE_STEP_SECONDS = seconds;
}

async function run(scenario: Scenario, rebalancer?: RebalancerFactory, maxStepSeconds?: number): Promise<Run> {
  let sim: EcsSimulator | undefined;
  const report = await simulate({ scenario, rebalancer, maxStepSeconds, onTick: (context) => (sim = context.sim) });
  return { report, sim: sim! };
}

/**
 * One scenario, four runs: ECS alone (the state our rebalancer first faces, and the restart baseline),
 * ours, the reference Lambda and forceNewDeployment. Baseline restarts are
 * tasksStarted(with the baseline) − tasksStarted(ECS alone): every extra task launched replaced one.
 */
export async function benchScenario(scenario: Scenario, ours: RebalancerFactory): Promise<ScenarioResult> {
  const started = Date.now();
  const clusterName = scenario.cluster ?? scenario.name;
  const alone = await run(scenario);
  const before: ClusterMeasures = measureCluster(alone.sim, clusterName);
  const ourRun = await run(scenario, ours);
  const after = measureCluster(ourRun.sim, clusterName);
  const seed = await run(scenario, referenceRebalancer, BASELINE_STEP_SECONDS);
  const force = await run(scenario, forceDeployRebalancer, BASELINE_STEP_SECONDS);
  const startedAlone = alone.sim.metrics().tasksStarted;
  const { report } = ourRun;
  const lastStep = report.steps[report.steps.length - 1];
  return {
    name: scenario.name,
    services: before.services,
    tasks: before.tasks,
    instances: before.instances,
    moves: report.moves,
    optimalMoves: before.optimalMoves,
    baselineSeedRestarts: seed.sim.metrics().tasksStarted - startedAlone,
    baselineForceDeployRestarts: force.sim.metrics().tasksStarted - startedAlone,
    finalMaxSkew: after.maxSkew,
    finalTotalSkew: after.totalSkew,
    minHealthyHeld: report.minHealthyHeld,
    balanced: report.balanced && report.surgesLeft.length === 0,
    apiReads: report.apiCalls.read,
    apiReadsPerRun: report.invocations ? report.apiCalls.read / report.invocations : 0,
    apiReadsLowerBound: readsLowerBound(before),
    apiWrites: report.apiCalls.write,
    invocations: report.invocations,
    simulatedSecondsToBalance: lastStep.steady ? lastStep.seconds : NaN,
    baselineSeedSettled: seed.report.steps.every((s) => s.steady),
    baselineForceDeploySettled: force.report.steps.every((s) => s.steady),
    belowFloor: Object.entries(report.minHealthy).filter(([n, floor]) => (report.minRunning[n] ?? 0) < floor).map(([n, floor]) => `${n}: ${report.minRunning[n] ?? 0}/${floor}`),
    wallMs: Date.now() - started,
  };
}

/** One snapshot read at ECS's batch sizes: describes (10 services, 100 tasks, 100 instances) plus list pages of 100. */
export function readsLowerBound(c: { services: number; tasks: number; instances: number }): number {
  const up = (n: number, size: number) => Math.ceil(n / size);
  return up(c.services, 10) + up(c.tasks, 100) + up(c.instances, 100) + up(c.services, 100) + up(c.tasks, 100) + up(c.instances, 100);
}
