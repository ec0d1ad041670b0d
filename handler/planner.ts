import type { Service } from "@aws-sdk/client-ecs";
import { distributeWithinZones, isZoneLevelEcs } from "./azRebalancing";
import { deploymentBounds } from "./deploymentBounds";
import { Distribution, distribute } from "./balance";
import { ClusterLoadArgs, DEFAULT_CLUSTER_LOAD_ARGS } from "./clusterLoad/args";
import { LoadCandidate, planLoadMoves, Unlandable } from "./clusterLoad/loadPass";
import { InstanceLoad, Ledger, loadOf, readLedger, recordMove } from "./ledger";
import { serviceGroup, serviceSkipReason, SkipCode, SkipReason } from "./eligibility";
import { room, ZONE_FIELD } from "./placement";
import { ClusterState, layoutService, readClusterState, ServiceLayout, ServiceTasks } from "./serviceLayout";
import { Snapshot } from "./snapshot";
import { dedupeSnapshot } from "./snapshotDedupe";
import { unhealthySkipReason } from "./stopOrder";
import { crossZoneRelocation, surgesThatLand } from "./surgeLanding";
import { readSurge, Surge, surgeMisfit, UnreadableSurge } from "./surgeTag";

/** One task to move: stop it on `from` so that ECS starts its replacement on `to`. */
export interface Move {
  service: string;
  serviceName: string;
  taskArn: string;
  from: string;
  /** The instance the replacement should land on, or null where ECS chooses (a custom attribute's group; a surge's stops). */
  to: string | null;
  /** The spread group that should receive the task (for example the zone), for reports. */
  toGroup: string[];
  /**
   * The pass that planned it: "spread" evens the service itself, "load" evens its zone's instances
   * and must start its task before stopping the old one (see clusterLoad/loadPass.ts).
   */
  pass: "spread" | "load";
}

export interface Skip {
  service: string;
  serviceName: string;
  reason: SkipCode;
  detail: string;
}

/** What to do with a surge recorded on a service (see surgeTag.ts and executor.ts). */
export type SurgeAction =
  | { kind: "complete"; service: string; serviceName: string; surge: Surge; stop: Move[]; keep: string[] }
  | { kind: "rollback"; service: string; serviceName: string; surge: Surge; detail: string; keep: string[] }
  | { kind: "forget"; service: string; serviceName: string; detail: string };

export interface Plan {
  clusterArn: string;
  moves: Move[];
  surges: SurgeAction[];
  skipped: Skip[];
  /** Eligible services with nothing to do. */
  balanced: string[];
  load: LoadReport;
}

/** The cluster load pass's outcome: each zone's instance loads before and after the plan, with its band. */
export interface LoadReport {
  /** The pass's tolerance in tasks (0: off; clusterLoad/args.ts). */
  bandTasks: number;
  /** Why the pass planned nothing this time, when it was held back. */
  held?: string;
  /**
   * Services with a useful load move in a zone that ECS would not place where planned: another zone
   * holds fewer of its tasks, a tied zone has no gain of its own, or ECS's pick among the zone's
   * emptiest instances would be a coin flip between unequal loads (see clusterLoad/loadPass.ts).
   * Those moves are not planned.
   */
  unlandable?: Record<Unlandable, number>;
  zones: ZoneLoad[];
}

export interface ZoneLoad {
  zone: string;
  /** The band after the plan (clusterLoad/band.ts): task counts from low to high are in band. */
  low: number;
  high: number;
  average: number;
  instances: Array<{ containerInstanceArn: string; before: InstanceLoad; after: InstanceLoad }>;
}

export interface PlanOptions {
  now: Date;
  /** A surge that is not steady after this long is rolled back. */
  surgeTimeoutSeconds: number;
  /** The cluster load pass; its defaults when absent. */
  clusterLoad?: ClusterLoadArgs;
}

/**
 * Snapshot to plan, with no I/O: the passes in order over one ledger of instance room and load.
 *
 * 1. Service spread: every service balanced by its own strategy, in ARN order, each planned move
 *    recorded on the ledger so that two services never count on the same free space.
 * 2. Cluster load: within each zone, the instances' task counts brought into the band, moving
 *    only services the first pass left balanced (clusterLoad/loadPass.ts).
 *
 * Every service ends in exactly one of: moves, a surge action, skipped (with its reason), or balanced.
 */
export function planMoves(listed: Snapshot, options: PlanOptions): Plan {
  const { snapshot, duplicateServiceNames } = dedupeSnapshot(listed);
  const plan: Plan = {
    clusterArn: snapshot.clusterArn,
    moves: [],
    surges: [],
    skipped: [],
    balanced: [],
    load: { bandTasks: 0, zones: [] },
  };
  const cluster = readClusterState(snapshot.containerInstances, snapshot.tasks, snapshot.taskDefinitions);
  const ledger = readLedger(cluster.available, cluster.availableFree, cluster.availableLoad);
  const before = ledger.arns.map((_, at) => loadOf(ledger, at));
  const candidates: LoadCandidate[] = [];
  const services = [...snapshot.services].sort((a, b) => compare(a.serviceArn, b.serviceArn));
  for (const service of services) {
    if (duplicateServiceNames.has(service.serviceName ?? "")) {
      plan.skipped.push(
        skip(service, { code: "duplicate-service-name", detail: `another service ARN is also named ${service.serviceName}` }),
      );
      continue;
    }
    const tasks = cluster.tasksByGroup.get(serviceGroup(service)) ?? { tasks: [], positions: [] };
    const surge = readSurge(service);
    if (surge !== undefined) {
      planSurge(service, tasks, surge, cluster, options, plan);
      continue;
    }
    const outcome = planService(service, tasks, cluster, ledger);
    if ("code" in outcome) plan.skipped.push(skip(service, outcome));
    else if (outcome.moves.length > 0) plan.moves.push(...outcome.moves);
    else {
      plan.balanced.push(service.serviceArn!);
      if (outcome.candidate) candidates.push(outcome.candidate);
    }
  }
  planLoad(ledger, candidates, options.clusterLoad ?? DEFAULT_CLUSTER_LOAD_ARGS, before, plan);
  return plan;
}

function planService(
  service: Service,
  tasks: ServiceTasks,
  cluster: ClusterState,
  ledger: Ledger,
): { moves: Move[]; candidate?: LoadCandidate } | SkipReason {
  const layout = eligibleLayout(service, tasks, cluster);
  if ("code" in layout) return layout;
  const distributions = isZoneLevelEcs(service)
    ? distributeWithinZones(layout.slots, service.desiredCount!)
    : [distribute(layout.slots, service.desiredCount!)];
  if ("code" in distributions) return distributions;
  const planned = distributions.flatMap((distribution) => movesFor(service, layout, distribution));
  const moves =
    layout.fields[0] === ZONE_FIELD && deploymentBounds(service, tasks.tasks).stoppable === 0 ? landingSurges(planned, layout) : planned;
  if (moves.length === 0 && planned.length > 0) {
    return {
      code: "surge-cannot-land",
      detail: "every move must be a surge, and ECS would give the extra task to a zone where it evens nothing",
    };
  }
  const unhealthy = unhealthySkipReason(tasks.tasks, moves);
  if (unhealthy) return unhealthy;
  for (const move of moves) recordTarget(move, layout, cluster, ledger);
  // load moves stay inside a zone, and the load pass only surges a service in its emptiest zone(s):
  // its zones stay even for its desired count at every moment, so a service whose zone level
  // belongs to ECS's AZ rebalancing is moved too (the instances within a zone are ECS's blind spot)
  if (moves.length > 0 || !isZoneThenInstance(layout.fields)) return { moves };
  return { moves, candidate: loadCandidate(service, tasks, layout, cluster) };
}

/** The load pass moves services that spread by zone, then instance (ECS's in-zone choice is known). */
function isZoneThenInstance(fields: string[]): boolean {
  return fields.length === 2 && fields[0] === ZONE_FIELD && fields[1] === "instanceId";
}

function loadCandidate(service: Service, tasks: ServiceTasks, layout: ServiceLayout, cluster: ClusterState): LoadCandidate {
  const counts = new Map<number, number>();
  for (const at of tasks.positions) counts.set(at, (counts.get(at) ?? 0) + 1);
  return {
    serviceArn: service.serviceArn!,
    serviceName: service.serviceName!,
    needs: layout.needs,
    counts,
    allows: layout.allows,
    tasksOn: (at) => layout.tasksOn(cluster.availableArns[at]),
  };
}

/**
 * Skips that mean a service's tasks are still coming or going: the instance loads in the snapshot
 * are not the ones the cluster will settle at, so a load move planned on them would overshoot.
 */
const UNSETTLED: SkipCode[] = ["surge-in-flight", "not-steady", "tasks-in-transition", "deployment-in-progress"];

/** The load pass, and the per-zone load report of the whole plan. */
function planLoad(ledger: Ledger, candidates: LoadCandidate[], args: ClusterLoadArgs, before: InstanceLoad[], plan: Plan): void {
  const unsettled = plan.skipped.find((s) => UNSETTLED.includes(s.reason));
  const held =
    plan.surges.length > 0
      ? `a surge of ${plan.surges[0].serviceName} is being finished`
      : unsettled && `${unsettled.serviceName} is ${unsettled.reason}: loads are still changing`;
  const { moves, zones, unlandable } = planLoadMoves(ledger, held ? [] : candidates, args);
  const moved = new Set(moves.map((m) => m.candidate.serviceArn));
  plan.balanced = plan.balanced.filter((arn) => !moved.has(arn));
  for (const { candidate, from, to, task } of moves) {
    plan.moves.push({
      service: candidate.serviceArn,
      serviceName: candidate.serviceName,
      taskArn: task.taskArn!,
      from: ledger.arns[from],
      to: ledger.arns[to],
      toGroup: [ledger.zones[to], ledger.arns[to]],
      pass: "load",
    });
  }
  const report = zones.map(({ zone, positions, band }) => ({
    zone,
    low: band.low,
    high: band.high,
    average: band.average,
    instances: positions.map((at) => ({ containerInstanceArn: ledger.arns[at], before: before[at], after: loadOf(ledger, at) })),
  }));
  const refused = Object.values(unlandable).some((n) => n > 0);
  plan.load = {
    bandTasks: args.bandTasks,
    ...(held && args.bandTasks > 0 ? { held } : {}),
    ...(refused ? { unlandable } : {}),
    zones: report,
  };
}

/**
 * A surge is finished when ECS has placed the extra tasks: the tasks to give up are the surplus of a
 * balanced distribution of the original desired count over where the tasks now are. That choice is
 * made fresh from the current state, so it stays right even if ECS placed the extra tasks elsewhere.
 */
function planSurge(
  service: Service,
  tasks: ServiceTasks,
  surge: Surge | UnreadableSurge,
  cluster: ClusterState,
  options: PlanOptions,
  plan: Plan,
): void {
  const ids = { service: service.serviceArn!, serviceName: service.serviceName! };
  // a tag that is not ours, or no longer fits the service, is forgotten: never acted on
  const misfit = "problem" in surge ? surge.problem : surgeMisfit(service, surge, options.now);
  if (misfit !== undefined || "problem" in surge) {
    plan.surges.push({ kind: "forget", ...ids, detail: misfit! });
    return;
  }
  const layout = eligibleLayout(service, tasks, cluster);
  if ("code" in layout) {
    const ageSeconds = (options.now.getTime() - surge.startedAt.getTime()) / 1000;
    if (ageSeconds > options.surgeTimeoutSeconds) {
      // up to `from` running tasks are kept (scale-in protected before the count is lowered), so
      // that ECS's scale-in takes the extra tasks that never started, not a running task
      const keep = tasks.tasks
        .filter((t) => t.desiredStatus === "RUNNING" && t.lastStatus === "RUNNING")
        .slice(0, surge.from)
        .map((t) => t.taskArn!);
      plan.surges.push({ kind: "rollback", ...ids, surge, detail: `${layout.code}: ${layout.detail}`, keep });
    } else {
      plan.skipped.push(skip(service, { code: "surge-in-flight", detail: `${layout.code}: ${layout.detail}` }));
    }
    return;
  }
  // never stop more than the surge added: if the extra tasks did not land where planned (an
  // instance was lost, say), stopping every surplus would leave fewer than `from` tasks running
  const distribution = distribute(layout.slots, surge.from);
  const stop = netSurplus(movesFor(service, layout, distribution), distribution, layout)
    .slice(0, Math.max(0, tasks.tasks.length - surge.from))
    .map((m) => ({ ...m, to: null }));
  const stopped = new Set(stop.map((m) => m.taskArn));
  const keep = tasks.tasks.map((t) => t.taskArn!).filter((arn) => !stopped.has(arn));
  plan.surges.push({ kind: "complete", ...ids, surge, stop, keep });
}

/**
 * The removals that are surplus at the first spread level, best first. Where the surge's extra
 * tasks landed short of the plan, a balanced distribution both removes and adds within a zone (a
 * move for a later wave); the stops must then come from the zones above their target, not from the
 * first removals in order: stopping a paired removal would take a zone below its target and leave
 * the zones uneven (which ECS's own AZ rebalancing would then undo).
 */
function netSurplus(moves: Move[], distribution: Distribution, layout: ServiceLayout): Move[] {
  const groupOf = new Map(layout.slots.map((slot) => [slot.id, slot.path[0]]));
  const paired = new Map<string, number>();
  for (const addition of distribution.additions) paired.set(addition.group[0], (paired.get(addition.group[0]) ?? 0) + addition.count);
  const surplus: Move[] = [];
  const held: Move[] = [];
  // the last removals of a group are the ones its additions pair with: the first, most valuable, are stopped
  for (const move of [...moves].reverse()) {
    const group = groupOf.get(move.from) ?? move.from;
    const left = paired.get(group) ?? 0;
    if (left > 0) {
      paired.set(group, left - 1);
      held.push(move);
    } else surplus.push(move);
  }
  return [...surplus.reverse(), ...held.reverse()];
}

/** Every move must be a surge (surgeLanding.ts): those that land, else one relocation through ECS's choice. */
function landingSurges(planned: Move[], layout: ServiceLayout): Move[] {
  const landing = surgesThatLand(planned, layout);
  if (landing.length > 0 || planned.length === 0) return landing;
  const relocation = crossZoneRelocation(planned, layout);
  return relocation ? [relocation] : [];
}

/** The service laid over its instances, or why it cannot be acted on now. */
function eligibleLayout(service: Service, tasks: ServiceTasks, cluster: ClusterState): ServiceLayout | SkipReason {
  return serviceSkipReason(service, tasks.tasks) ?? layoutService(service, tasks, cluster);
}

/**
 * Pairs each removal with an addition. Removals are ordered so that the instance holding the most
 * of the service's tasks gives first: a partial wave (budgets, deployment bounds) still moves the
 * tasks that matter most.
 */
function movesFor(service: Service, layout: ServiceLayout, distribution: Distribution): Move[] {
  const givers = [...distribution.removals].map(([id, count]) => {
    const tasks = layout.tasksOn(id);
    return { id, tasks, remaining: tasks.length, toGive: count };
  });
  const targets = distribution.additions.flatMap((a) => Array.from({ length: a.count }, () => a));
  const moves: Move[] = [];
  for (let taken = 0; givers.length > 0; taken++) {
    let at = 0;
    for (let i = 1; i < givers.length; i++) {
      const [best, other] = [givers[at], givers[i]];
      if (other.remaining > best.remaining || (other.remaining === best.remaining && compare(other.id, best.id) < 0)) at = i;
    }
    const giver = givers[at];
    const task = giver.tasks[giver.tasks.length - giver.remaining];
    giver.remaining--;
    if (--giver.toGive === 0) givers.splice(at, 1);
    const target = targets[taken];
    moves.push({
      service: service.serviceArn!,
      serviceName: service.serviceName!,
      taskArn: task.taskArn!,
      from: giver.id,
      to: target?.slotId ?? null,
      toGroup: target?.group ?? [],
      pass: "spread",
    });
  }
  return moves;
}

/** Records the move on the ledger: later services do not count on the room it will use. */
function recordTarget(move: Move, layout: ServiceLayout, cluster: ClusterState, ledger: Ledger): void {
  const target = move.to ?? roomiestInGroup(move.toGroup, layout, cluster);
  if (target) recordMove(ledger, cluster.position.get(move.from) ?? -1, cluster.position.get(target)!, layout.needs);
}

function roomiestInGroup(group: string[], layout: ServiceLayout, cluster: ClusterState): string | undefined {
  // room as it is now, not the layout's capacity: an earlier move of this service may have taken it
  const members = layout.slots.filter((s) => {
    const free = cluster.free.get(s.id); // undefined for a placeholder of many empty instances
    return free !== undefined && group.every((key, i) => s.path[i] === key) && room(free, layout.needs) > 0;
  });
  members.sort((a, b) => cluster.free.get(b.id)!.memory - cluster.free.get(a.id)!.memory);
  return members[0]?.id;
}

function skip(service: Service, reason: SkipReason): Skip {
  return { service: service.serviceArn!, serviceName: service.serviceName!, reason: reason.code, detail: reason.detail };
}

function compare(a: string | undefined, b: string | undefined): number {
  return (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;
}
