import type { TaskDefinition } from "@aws-sdk/client-ecs";
import { Budgets } from "./budget";
import { EcsPort } from "./ecsPort";
import { executeWave, WaveReport } from "./executor";
import { Logger } from "./log";
import { Plan, planMoves } from "./planner";
import { measureRun, RunMeasures } from "./runMetrics";
import { readSnapshot } from "./snapshot";

export interface RebalanceOptions extends Budgets {
  dryRun: boolean;
  surgeTimeoutSeconds: number;
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

/** One run: event -> snapshot -> plan -> execution -> report. The Lambda and the CLI both call this. */
export async function rebalance(ecs: EcsPort, cluster: string, options: RebalanceOptions): Promise<RebalanceReport> {
  const { snapshot, failures } = await readSnapshot(ecs, cluster, options.taskDefinitionCache);
  if (failures.length > 0) options.log.warn("describe failures", { failures });
  const plan = planMoves(snapshot, { now: options.now, surgeTimeoutSeconds: options.surgeTimeoutSeconds });
  options.log.info("plan", {
    clusterArn: plan.clusterArn,
    moves: plan.moves.length,
    surges: plan.surges.map((s) => ({ kind: s.kind, service: s.serviceName })),
    skipped: plan.skipped.map((s) => ({ service: s.serviceName, reason: s.reason })),
    balanced: plan.balanced.length,
  });
  const wave = await executeWave(ecs, snapshot, plan, options);
  options.log.info("wave", {
    clusterArn: plan.clusterArn,
    dryRun: wave.dryRun,
    actions: wave.actions,
    deferred: wave.deferred,
    errors: wave.errors,
  });
  return { clusterArn: plan.clusterArn, plan, wave, describeFailures: failures.length, measures: measureRun(snapshot, plan, wave) };
}
