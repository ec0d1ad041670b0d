import { FloorSample } from "../cli/floorDips";
import { Rebalancer, RebalancerFactory, simulate, SimulationReport } from "../cli/simulation";
import { EcsSimulator, Scenario } from "../simulator";
import { forceDeployRebalancer, referenceRebalancer } from "./baselines";
import { withAzRebalancing } from "./scenarios";
import { ClusterMeasures, fewestMovesForBandReached, measureCluster } from "./clusterMeasures";
import { fewestMovesOverSteps } from "./stepOracle";

/**
 * The bench is split into jobs, one per (scenario, rebalancer), so that they can run in separate
 * processes. Every job first runs the scenario with ECS alone (cheap, deterministic in virtual time):
 * its end state is what the rebalancer first faces (the oracle's input) and its tasksStarted is the
 * restart baseline. A baseline's restarts are tasksStarted(with the baseline) − tasksStarted(ECS alone).
 */
export type RebalancerKind = "ours" | "reference" | "forceNewDeployment" | "ecsAzRebalancing" | "oursAzEnabled";

/** Jobs run with every service's AZ rebalancing ENABLED: ECS alone (what 2026 gives for free), and ours beside it. */
export const AZ_ENABLED_KINDS: RebalancerKind[] = ["ecsAzRebalancing", "oursAzEnabled"];

export interface BenchJob {
  scenario: string;
  kind: RebalancerKind;
}

/**
 * Baselines that never settle are cut off: at BASELINE_STEP_SECONDS virtual seconds per step, and
 * after BASELINE_MAX_INVOCATIONS invocations (later events are dropped unprocessed, as if the
 * function were disabled). Either cut makes the restart count a floor. Ours is never capped.
 */
export const BASELINE_STEP_SECONDS = 600;
export const BASELINE_MAX_INVOCATIONS = 200;

export interface JobResult {
  scenario: string;
  kind: RebalancerKind;
  before: ClusterMeasures;
  after: ClusterMeasures;
  report: Omit<SimulationReport, "instanceNames">;
  tasksStartedAlone: number;
  tasksStarted: number;
  /** RUNNING tasks ECS's own AZ rebalancing stopped (its moves). */
  tasksStoppedByAzRebalancing: number;
  /** Each service's worst second against its minimum healthy count, in the same scenario under ECS alone. */
  aloneLowestFloorMargin: Record<string, FloorSample>;
  /** Baselines only: cut off by the step limit or the invocation cap (restarts are then a floor). */
  capped: boolean;
  cappedBy: string[];
  wallMs: number;
  /** Ours only: the fewest moves that reach the band after every step (stepOracle.ts); null when unknown. */
  stepsMinMoves?: number | null;
}

export async function runJob(scenario: Scenario, kind: RebalancerKind, ours: () => Promise<RebalancerFactory>): Promise<JobResult> {
  const started = Date.now();
  const clusterName = scenario.cluster ?? scenario.name;
  const measured = kind === "ours" || kind === "oursAzEnabled";
  const alone = await run(scenario, undefined, undefined, false, measured ? clusterName : undefined);
  const before = measureCluster(alone.sim, clusterName);
  let factory: RebalancerFactory | undefined;
  let maxStepSeconds: number | undefined;
  const counter = { invocations: 0, dropped: 0 };
  if (kind === "ours" || kind === "oursAzEnabled") factory = await ours();
  else if (kind === "ecsAzRebalancing") factory = undefined;
  else {
    factory = capInvocations(kind === "reference" ? referenceRebalancer : forceDeployRebalancer, BASELINE_MAX_INVOCATIONS, counter);
    maxStepSeconds = BASELINE_STEP_SECONDS;
  }
  const withIt = await run(
    AZ_ENABLED_KINDS.includes(kind) ? withAzRebalancing(scenario, "ENABLED") : scenario,
    factory,
    maxStepSeconds,
    kind.startsWith("ours"),
    measured ? clusterName : undefined,
  );
  const after = measureCluster(withIt.sim, clusterName);
  const { instanceNames: _names, ...report } = withIt.report;
  const cappedBy: string[] = [];
  if (kind === "reference" || kind === "forceNewDeployment") {
    if (!report.steps.every((s) => s.steady)) cappedBy.push(`step limit ${BASELINE_STEP_SECONDS} s`);
    if (counter.dropped > 0) cappedBy.push(`invocation cap ${BASELINE_MAX_INVOCATIONS} (${counter.dropped} later events dropped)`);
  }
  return {
    scenario: scenario.name,
    kind,
    before,
    after,
    report,
    tasksStartedAlone: alone.sim.metrics().tasksStarted,
    tasksStarted: withIt.sim.metrics().tasksStarted,
    tasksStoppedByAzRebalancing: withIt.sim.metrics().tasksStoppedByAzRebalancing,
    aloneLowestFloorMargin: alone.report.lowestFloorMargin,
    capped: cappedBy.length > 0,
    cappedBy,
    wallMs: Date.now() - started,
    // from the measures of each step's end, kept only as this count (a job line is saved and sent between processes)
    ...(measured
      ? {
          stepsMinMoves:
            (alone.stepEnds.length > 0 && withIt.stepEnds.length > 0
              ? fewestMovesOverSteps(alone.stepEnds[0], withIt.stepEnds)
              : undefined) ?? null,
        }
      : {}),
  };
}

/** After `max` invocations the rebalancer ignores every event (the event still counts as delivered). */
export function capInvocations(
  factory: RebalancerFactory,
  max: number,
  counter: { invocations: number; dropped: number },
): RebalancerFactory {
  return async (context) => {
    const handler: Rebalancer = await factory(context);
    return async (event) => {
      if (counter.invocations >= max) {
        counter.dropped++;
        return undefined;
      }
      counter.invocations++;
      return handler(event);
    };
  };
}

interface Run {
  report: SimulationReport;
  sim: EcsSimulator;
  /** With `measureSteps`: the cluster at the end of each step. */
  stepEnds: ClusterMeasures[];
}

async function run(
  scenario: Scenario,
  rebalancer?: RebalancerFactory,
  maxStepSeconds?: number,
  trackLanding = false,
  measureSteps?: string,
): Promise<Run> {
  let sim: EcsSimulator | undefined;
  const stepEnds: ClusterMeasures[] = [];
  const report = await simulate({
    scenario,
    rebalancer,
    maxStepSeconds,
    trackLanding,
    onTick: (context) => (sim = context.sim),
    ...(measureSteps ? { onStepEnd: (context: { sim: EcsSimulator }) => stepEnds.push(measureCluster(context.sim, measureSteps)) } : {}),
  });
  return { report, sim: sim!, stepEnds };
}

export interface ScenarioResult {
  name: string;
  services: number;
  tasks: number;
  instances: number;
  moves: number;
  optimalMoves: number;
  baselineSeedRestarts: number;
  baselineForceDeployRestarts: number;
  /** The restart counts above are floors (the baseline was cut off before it settled). */
  baselineSeedRestartsIsFloor: boolean;
  baselineForceDeployRestartsIsFloor: boolean;
  baselineSeedCappedBy: string[];
  baselineForceDeployCappedBy: string[];
  baselineSeedInvocations: number;
  baselineForceDeployInvocations: number;
  finalMaxSkew: number;
  finalTotalSkew: number;
  /** Instances running no REPLICA service's task: what ECS alone leaves, and after ours (the target: none). */
  idleInstancesBefore: number;
  idleInstancesAfter: number;
  /** Per zone, max − min tasks per instance: what ECS alone leaves (the rebalancer's start), and after ours. */
  zoneBandsBefore: Record<string, number>;
  zoneBandsAfter: Record<string, number>;
  /** The fewest moves that reach the band ours reached (loadOracle.ts); null if the oracle finds none. */
  bandMinMoves: number | null;
  /** The same for a band of one task in every zone (the target); null when the oracle finds it unreachable. */
  bandOneMinMoves: number | null;
  /** The fewest moves that reach the band after every step, not only the last (stepOracle.ts); null when unknown. */
  stepsMinMoves: number | null;
  /** Cluster load moves started, and those that landed on their planned instance (landingTracker.ts). */
  loadMovesPlanned: number;
  loadMovesLanded: number;
  /** Coin-flip load moves that landed on another instance their plan accepted (each a gain or a swap). */
  loadMovesOnAcceptedTie: number;
  /** Fillers started so that a load move lands (each a task started and stopped, counted in `moves`), and those given up as planned. */
  loadFillers: number;
  loadFillersGivenBack: number;
  minHealthyHeld: boolean;
  /** Services whose running count dipped below the floor (name: lowest / floor). */
  belowFloor: string[];
  /** The same, under ECS alone (a scale-in can dip a service with no rebalancer at all). */
  belowFloorEcsAlone: string[];
  balanced: boolean;
  apiReads: number;
  apiReadsPerRun: number;
  apiReadsLowerBound: number;
  apiWrites: number;
  invocations: number;
  simulatedSecondsToBalance: number | null;
  stepsSteady: boolean;
  /** ECS alone with AZ rebalancing ENABLED, and ours with it ENABLED: see azColumns. */
  ecsAz: AzColumn;
  oursAz: AzColumn;
  wallMs: Record<RebalancerKind, number>;
}

/** One run with AZ rebalancing ENABLED: task moves by ECS's rebalancing and by us, and where it ended. */
export interface AzColumn {
  ecsMoves: number;
  ourMoves: number;
  maxSkew: number;
  totalSkew: number;
  balanced: boolean;
  secondsToBalance: number | null;
  writes: number;
  reads: number;
  invocations: number;
}

/** One row from the three jobs of a scenario. */
export function mergeScenario(jobs: Record<RebalancerKind, JobResult>): ScenarioResult {
  const ours = jobs.ours;
  const { before, after, report } = ours;
  const lastStep = report.steps[report.steps.length - 1];
  const floorMiss = (lowest: Record<string, FloorSample>) =>
    Object.entries(lowest)
      .filter(([, worst]) => worst.margin < 0)
      .map(([n, worst]) => `${n}: ${worst.running}/${worst.floor}`);
  return {
    name: ours.scenario,
    services: before.services,
    tasks: before.tasks,
    instances: before.instances,
    moves: report.moves,
    optimalMoves: before.optimalMoves,
    baselineSeedRestarts: jobs.reference.tasksStarted - jobs.reference.tasksStartedAlone,
    baselineForceDeployRestarts: jobs.forceNewDeployment.tasksStarted - jobs.forceNewDeployment.tasksStartedAlone,
    baselineSeedRestartsIsFloor: jobs.reference.capped,
    baselineForceDeployRestartsIsFloor: jobs.forceNewDeployment.capped,
    baselineSeedCappedBy: jobs.reference.cappedBy,
    baselineForceDeployCappedBy: jobs.forceNewDeployment.cappedBy,
    baselineSeedInvocations: jobs.reference.report.invocations,
    baselineForceDeployInvocations: jobs.forceNewDeployment.report.invocations,
    finalMaxSkew: after.maxSkew,
    finalTotalSkew: after.totalSkew,
    idleInstancesBefore: before.idleInstances,
    idleInstancesAfter: after.idleInstances,
    zoneBandsBefore: before.zoneBands,
    zoneBandsAfter: after.zoneBands,
    bandMinMoves: fewestMovesForBandReached(before, after) ?? null,
    bandOneMinMoves: fewestMovesForBandReached(before, after, 1) ?? null,
    stepsMinMoves: ours.stepsMinMoves ?? null,
    loadMovesPlanned: report.loadMoves?.planned ?? 0,
    loadMovesLanded: report.loadMoves?.landed ?? 0,
    loadMovesOnAcceptedTie: report.loadMoves?.onAcceptedTie ?? 0,
    loadFillers: report.loadMoves?.fillers ?? 0,
    loadFillersGivenBack: report.loadMoves?.fillersGivenBack ?? 0,
    minHealthyHeld: report.minHealthyHeld,
    belowFloor: floorMiss(report.lowestFloorMargin),
    belowFloorEcsAlone: floorMiss(ours.aloneLowestFloorMargin),
    balanced: report.balanced && report.surgesLeft.length === 0 && report.constraintsChanged.length === 0,
    apiReads: report.apiCalls.read,
    apiReadsPerRun: report.invocations ? report.apiCalls.read / report.invocations : 0,
    // the deployment checks spread over the runs: their total is a lower bound, not each run's share
    apiReadsLowerBound: readsLowerBound(before) + (report.invocations ? before.deploymentChecks / report.invocations : 0),
    apiWrites: report.apiCalls.write,
    invocations: report.invocations,
    simulatedSecondsToBalance: lastStep.steady ? lastStep.seconds : null,
    stepsSteady: report.steps.every((s) => s.steady),
    ecsAz: azColumn(jobs.ecsAzRebalancing),
    oursAz: azColumn(jobs.oursAzEnabled),
    wallMs: Object.fromEntries(Object.entries(jobs).map(([kind, job]) => [kind, job.wallMs])) as Record<RebalancerKind, number>,
  };
}

function azColumn(job: JobResult): AzColumn {
  const last = job.report.steps[job.report.steps.length - 1];
  return {
    ecsMoves: job.tasksStoppedByAzRebalancing,
    ourMoves: job.report.moves,
    maxSkew: job.after.maxSkew,
    totalSkew: job.after.totalSkew,
    // judged as for ours: every spread service's instances within one task of each other in their zone
    balanced: job.after.maxSkew <= 1 && job.report.surgesLeft.length === 0 && job.report.constraintsChanged.length === 0,
    secondsToBalance: last.steady ? last.seconds : null,
    writes: job.report.apiCalls.write,
    reads: job.report.apiCalls.read,
    invocations: job.report.invocations,
  };
}

/**
 * One snapshot read at ECS's batch sizes: describes (10 services, 100 tasks, 100 instances) plus list
 * pages of 100. The ListServiceDeployments checks come on top (ClusterMeasures.deploymentChecks).
 */
export function readsLowerBound(c: { services: number; tasks: number; instances: number }): number {
  const up = (n: number, size: number) => Math.ceil(n / size);
  return up(c.services, 10) + up(c.tasks, 100) + up(c.instances, 100) + up(c.services, 100) + up(c.tasks, 100) + up(c.instances, 100);
}
