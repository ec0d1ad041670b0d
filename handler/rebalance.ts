import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { Budgets } from "./budget";
import { EcsPort } from "./ecsPort";
import { executeWave, WaveReport } from "./executor";
import { Logger } from "./log";
import { DEFAULT_CLUSTER_LOAD_ARGS } from "./clusterLoad/args";
import { Plan, planMoves } from "./planner";
import { findDeployingServices, withoutDeployingServices } from "./serviceDeployments";
import { measureRun, RunMeasures } from "./runMetrics";
import { readSnapshot } from "./snapshot";
import { DEFAULT_WRITE_RATES, PacingClock, pacedPort, REAL_CLOCK, WriteRates } from "./writePacing";

export interface RebalanceOptions extends Budgets {
  dryRun: boolean;
  /** Writes per second per kind (default DEFAULT_WRITE_RATES). */
  writeRates?: WriteRates;
  /** The Lambda's remaining time (context.getRemainingTimeInMillis); none for the CLI. */
  remainingMs?: () => number;
  /** Real time by default; tests pass a fake one. */
  clock?: PacingClock;
  surgeTimeoutSeconds: number;
  /** The cluster load pass's tolerance in tasks (0: off); its default when absent. */
  clusterLoadBand?: number;
  /** Whether load moves are pinned to their targets (clusterLoad/args.ts, pinMoves); its default when absent. */
  pinLoadMoves?: boolean;
  now: Date;
  log: Logger;
  /** Task definitions already read (revisions are immutable); kept across runs of a warm Lambda. */
  taskDefinitionCache?: Map<string, TaskDefinition>;
}

export interface RebalanceReport {
  clusterArn: string;
  plan: Plan;
  wave: WaveReport;
  describeFailures: number;
  /** The run as numbers, for the function's metrics. */
  measures: RunMeasures;
}

/**
 * One run: event -> snapshot -> plan -> execution -> report. The Lambda and the CLI both call this.
 * Between plan and execution, the services the plan would write to are checked for a service
 * deployment in progress (see serviceDeployments.ts); only those, to keep the reads of a run low.
 */
export async function rebalance(ecs: EcsPort, cluster: string, options: RebalanceOptions): Promise<RebalanceReport> {
  const { snapshot, failures } = await readSnapshot(ecs, cluster, options.taskDefinitionCache);
  if (failures.length > 0) options.log.warn("describe failures", { failures });
  const clusterLoad = {
    bandTasks: options.clusterLoadBand ?? DEFAULT_CLUSTER_LOAD_ARGS.bandTasks,
    pinMoves: options.pinLoadMoves ?? DEFAULT_CLUSTER_LOAD_ARGS.pinMoves,
  };
  const planned = planMoves(snapshot, { now: options.now, surgeTimeoutSeconds: options.surgeTimeoutSeconds, clusterLoad });
  const plan = withoutDeployingServices(planned, await findDeployingServices(ecs, cluster, planned));
  options.log.info("plan", {
    clusterArn: plan.clusterArn,
    moves: plan.moves.length,
    surges: plan.surges.map((s) => ({ kind: s.kind, service: s.serviceName })),
    skipped: plan.skipped.map((s) => ({ service: s.serviceName, reason: s.reason, detail: s.detail })),
    balanced: plan.balanced.length,
    loadMoves: plan.moves.filter((m) => m.pass === "load").length,
    ...(plan.load.held ? { loadPassHeld: plan.load.held } : {}),
  });
  const writes = pacedPort(ecs, {
    rates: options.writeRates ?? DEFAULT_WRITE_RATES,
    clock: options.clock ?? REAL_CLOCK,
    remainingMs: options.remainingMs,
  });
  const wave = await executeWave(writes, snapshot, plan, options);
  options.log.info("wave", {
    clusterArn: plan.clusterArn,
    dryRun: wave.dryRun,
    actions: wave.actions,
    deferred: wave.deferred,
    errors: wave.errors,
    stoppedEarly: wave.stoppedEarly,
  });
  return { clusterArn: plan.clusterArn, plan, wave, describeFailures: failures.length, measures: measureRun(snapshot, plan, wave) };
}
