import type { Service, Task } from "@aws-sdk/client-ecs";
import { Budgets, selectWithinBudgets } from "./budget";
import { deploymentBounds, stopsWithinFloor } from "./deploymentBounds";
import { EcsPort } from "./ecsPort";
import { wholeGroupsWithin } from "./landingGroup";
import { Logger } from "./log";
import { Move, Plan, Skip, SurgeAction } from "./planner";
import { Snapshot } from "./snapshot";
import { endSurge } from "./surgeCompletion";
import { WAVE_DEADLINE } from "./writePacing";
import { pinnedConstraints } from "./surgePin";
import { MAX_GIVE, Surge, SURGE_TAG, surgeFits, surgeTag, taskId } from "./surgeTag";

/**
 * Plan to ECS writes: one wave, then return. The executor decides how and how much, never what:
 *
 * - A surge recorded on a service is finished first (protect the tasks the planner keeps, restore
 *   the desired count so that ECS's scale-in stops the others, remove the tag: surgeCompletion.ts),
 *   rolled back (the same, keeping running tasks) or forgotten (untag).
 * - New moves are taken within the budgets, service by service:
 *   - stop directly, when minimumHealthyPercent leaves room and the move evens the service itself:
 *     ECS starts each replacement where the service's spread strategy puts it, which is the
 *     emptiest zone and instance; a load move (which evens the zone's instances) always surges;
 *   - otherwise surge (start before stop): tag the service with the surge, then raise its desired
 *     count within maximumPercent. ECS places the extra tasks by the same strategy; a later run,
 *     once the service is steady, stops the surplus and restores the count. A pinned load move
 *     (surgePin.ts) adds its placement constraint in the same UpdateService, and the end of the
 *     surge removes it in the one that restores the count.
 *
 * An interruption can only leave too many tasks running, never too few. Nothing here registers a
 * task definition or changes one.
 */
export interface ExecutionOptions extends Budgets {
  dryRun: boolean;
  now: Date;
  log: Logger;
}

export type ActionKind = "stop" | "surge" | "complete-surge" | "rollback-surge" | "forget-surge" | "unpin-surge";

export interface Action {
  kind: ActionKind;
  service: string;
  serviceName: string;
  /** Tasks stopped (or that would be, in a dry run). */
  tasks: string[];
  /** The desired count set, where the action sets one. */
  desiredCount?: number;
  detail?: string;
}

export interface WaveReport {
  dryRun: boolean;
  actions: Action[];
  /** Moves left for a later run: budgets or deployment bounds did not allow them now. */
  deferred: number;
  skipped: Skip[];
  errors: Array<{ service: string; message: string }>;
  /** Set when the function's remaining time ran short: the services after this point were left for a later run. */
  stoppedEarly?: string;
}

export async function executeWave(ecs: EcsPort, snapshot: Snapshot, plan: Plan, options: ExecutionOptions): Promise<WaveReport> {
  const report: WaveReport = { dryRun: options.dryRun, actions: [], deferred: 0, skipped: [], errors: [] };
  const services = new Map(snapshot.services.map((s) => [s.serviceArn!, s]));
  const cluster: ClusterView = { arn: plan.clusterArn, services, ...indexTasks(snapshot) };
  const write = writer(options, report);
  for (const surge of plan.surges) {
    if (report.stoppedEarly) break;
    await write(surge.service, () => finishSurge(surge, ecs, cluster, options, report));
  }
  const { selected, deferred } = selectWithinBudgets(plan.moves, options);
  report.deferred = deferred.length;
  for (const [serviceArn, moves] of byService(selected)) {
    if (report.stoppedEarly) {
      report.deferred += moves.length;
      continue;
    }
    const service = services.get(serviceArn)!;
    await write(serviceArn, () => startMoves(service, moves, ecs, cluster, options, report));
  }
  return report;
}

/** Runs one service's writes; a failure is reported and the other services go on. */
function writer(options: ExecutionOptions, report: WaveReport) {
  return async (service: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      // by name, not instanceof: the Lambda's serialized closures need not share one class object
      if (errorName(error) === WAVE_DEADLINE) {
        // not a failure: the write was never started, and what the service holds is consistent
        // (a surge tag is written before the count, and a surge's end is safe at every step)
        options.log.warn("wave stopped: function time running short", { service, reason: errorMessage(error) });
        report.stoppedEarly = errorMessage(error);
        return;
      }
      const message = `${errorName(error)}: ${errorMessage(error)}`;
      options.log.error("write failed", { service, error: message });
      report.errors.push({ service, message });
    }
  };
}

/** What the executor checks every write against: the snapshot the plan was made from. */
interface ClusterView {
  arn: string;
  services: Map<string, Service>;
  tasks: Map<string, Task>;
  /** Tasks by group: a service's are those its scheduler started, group "service:<name>". */
  tasksByGroup: Map<string, Task[]>;
}

/**
 * The planner forgets a surge tag that is not ours or does not fit; the checks here hold whatever
 * the plan says: a surge beyond the per-service and per-run budgets is forgotten, a completion
 * is put off while the healthy tasks it would give up do not fit above the floor of `from`, and a
 * rollback always restores the count (it only ever lowers it to `from`).
 */
async function finishSurge(
  surge: SurgeAction,
  ecs: EcsPort,
  cluster: ClusterView,
  options: ExecutionOptions,
  report: WaveReport,
): Promise<void> {
  const ids = { service: surge.service, serviceName: surge.serviceName };
  if (surge.kind === "unpin") {
    report.actions.push({ kind: "unpin-surge", ...ids, tasks: [], detail: surge.detail });
    if (!options.dryRun && surge.restoreConstraints) {
      await ecs.updateServicePlacementConstraints(cluster.arn, surge.service, surge.restoreConstraints);
    }
    return;
  }
  const service = cluster.services.get(surge.service);
  const overBudget =
    surge.kind !== "forget" && surge.surge.to - surge.surge.from > Math.min(options.maxMovesPerService, options.maxMovesPerRun);
  if (surge.kind === "forget" || overBudget || !service) {
    const detail = surge.kind === "forget" ? surge.detail : `the surge of ${surge.surge.to - surge.surge.from} exceeds the move budgets`;
    report.actions.push({ kind: "forget-surge", ...ids, tasks: [], detail });
    if (options.dryRun) return;
    // our pin goes before the tag that names it: an interrupted run leaves the tag for the next
    if (surge.restoreConstraints) await ecs.updateServicePlacementConstraints(cluster.arn, surge.service, surge.restoreConstraints);
    await ecs.untagResource(surge.service, [SURGE_TAG]);
    return;
  }
  const serviceTasks = cluster.tasksByGroup.get(`service:${service.serviceName}`) ?? [];
  if (surge.kind === "rollback") {
    report.actions.push({ kind: "rollback-surge", ...ids, tasks: [], desiredCount: surge.surge.from, detail: surge.detail });
  } else {
    // ECS's scale-in stops the tasks given up; those that are healthy must fit above the floor of `from`
    const givenUp = surge.stop.map((m) => cluster.tasks.get(m.taskArn)).filter((t): t is Task => t !== undefined);
    const { stoppable } = deploymentBounds(service, serviceTasks, surge.surge.from);
    if (stopsWithinFloor(givenUp, stoppable).length < givenUp.length) {
      report.skipped.push({
        ...ids,
        reason: "surge-in-flight",
        detail: "ending the surge now would take the service below its minimum healthy count",
      });
      return;
    }
    report.actions.push({ kind: "complete-surge", ...ids, tasks: surge.stop.map((m) => m.taskArn), desiredCount: surge.surge.from });
  }
  if (!options.dryRun) await endSurge(ecs, cluster.arn, surge);
}

async function startMoves(
  service: Service,
  moves: Move[],
  ecs: EcsPort,
  cluster: ClusterView,
  options: ExecutionOptions,
  report: WaveReport,
): Promise<void> {
  const ids = { service: service.serviceArn!, serviceName: service.serviceName! };
  const bounds = deploymentBounds(service, cluster.tasksByGroup.get(`service:${service.serviceName}`) ?? []);
  // a load move stopped first could land back where it started: the stop leaves the source as
  // empty as the target, and ECS breaks such ties at random. Started first, ECS places it on the
  // one instance of the zone with the fewest tasks of the service, the target (loadPass.ts).
  const startFirst = moves.some((m) => m.pass === "load");
  if (startFirst && bounds.surgeable === 0) {
    report.deferred += moves.length;
    report.skipped.push({
      ...ids,
      reason: "no-room-to-move",
      detail: "a load move must start its task first, and maximumPercent allows no extra task",
    });
    return;
  }
  const planned = moves.map((m) => cluster.tasks.get(m.taskArn)).filter((t): t is Task => t !== undefined);
  const batch = startFirst ? [] : stopsWithinFloor(planned, bounds.stoppable);
  if (batch.length > 0) {
    report.deferred += moves.length - batch.length;
    const tasks = batch.map((t) => t.taskArn!);
    report.actions.push({ kind: "stop", ...ids, tasks });
    if (!options.dryRun) for (const task of tasks) await stopTask(ecs, cluster.arn, task, options.log);
    return;
  }
  if (bounds.surgeable === 0) {
    report.deferred += moves.length;
    report.skipped.push({
      ...ids,
      reason: "no-room-to-move",
      detail: "minimumHealthyPercent and maximumPercent allow neither a stop nor an extra task",
    });
    return;
  }
  // whole groups of moves that land together (Move.withNext); a coin flip only where not one fits
  const extra = wholeGroupsWithin(moves, bounds.surgeable) || Math.min(moves.length, bounds.surgeable);
  report.deferred += moves.length - extra;
  const from = service.desiredCount!;
  // the tasks the moves take away, so that the completion stops those (surgeTag.ts, give)
  const give = extra <= MAX_GIVE ? moves.slice(0, extra).map((m) => taskId(m.taskArn)) : undefined;
  const { surge, constraints } = pinned({ from, to: from + extra, startedAt: options.now, give }, moves.slice(0, extra), service);
  report.actions.push({
    kind: "surge",
    ...ids,
    tasks: [],
    desiredCount: from + extra,
    ...(surge.pin ? { detail: `pinned to ${surge.pin}` } : {}),
  });
  if (options.dryRun) return;
  // the tag goes first: if the count change then fails, the next run finds the tag and forgets it
  await ecs.tagResource(service.serviceArn!, [surgeTag(surge, service)]);
  await ecs.updateServiceDesiredCount(cluster.arn, service.serviceArn!, from + extra, constraints);
}

/**
 * The surge with its pin (surgePin.ts) and the service's constraints with it added, for a surge of
 * exactly one pinned move whose tag can record it; otherwise the surge unpinned, placed by ECS's
 * strategy alone as the plan's other moves are.
 */
function pinned(surge: Surge, moves: Move[], service: Service): { surge: Surge; constraints?: Service["placementConstraints"] } {
  const pin = moves.length === 1 ? moves[0].pin : undefined;
  if (pin === undefined) return { surge };
  const withPin = { ...surge, pin };
  const constraints = surgeFits(withPin, service) ? pinnedConstraints(service, pin) : undefined;
  return constraints ? { surge: withPin, constraints } : { surge };
}

/** StopTask is idempotent for our purpose: a task already stopped, or gone with its instance, is done. */
async function stopTask(ecs: EcsPort, cluster: string, task: string, log: Logger): Promise<void> {
  try {
    await ecs.stopTask(cluster, task, "ecs-rebalancer: moving task to rebalance the service");
    log.info("task stopped", { task });
  } catch (error) {
    if (errorName(error) === "InvalidParameterException" && /not found/i.test(errorMessage(error))) {
      log.warn("task already gone", { task });
      return;
    }
    throw error;
  }
}

function indexTasks(snapshot: Snapshot): Pick<ClusterView, "tasks" | "tasksByGroup"> {
  const tasks = new Map<string, Task>();
  const tasksByGroup = new Map<string, Task[]>();
  for (const task of snapshot.tasks) {
    if (task.taskArn) tasks.set(task.taskArn, task);
    const group = tasksByGroup.get(task.group ?? "") ?? [];
    if (group.push(task) === 1) tasksByGroup.set(task.group ?? "", group);
  }
  return { tasks, tasksByGroup };
}

function byService(moves: Move[]): Map<string, Move[]> {
  const groups = new Map<string, Move[]>();
  for (const move of moves) groups.set(move.service, [...(groups.get(move.service) ?? []), move]);
  return groups;
}

function errorName(error: unknown): string {
  return (error as { name?: string })?.name ?? "Error";
}

function errorMessage(error: unknown): string {
  return (error as { message?: string })?.message ?? String(error);
}
