import type { Service } from "@aws-sdk/client-ecs";
import { distributeWithinZones, isZoneLevelEcs } from "../azRebalancing";
import { distribute } from "../balance";
import { deploymentBounds } from "../deploymentBounds";
import { serviceGroup, SkipReason } from "../eligibility";
import { Ledger, recordMove } from "../ledger";
import { room, ZONE_FIELD } from "../placement";
import type { Move, Skip, SurgeAction } from "../planner";
import { ClusterState, eligibleLayout, ServiceLayout, ServiceTasks } from "../serviceLayout";
import { unhealthySkipReason } from "../stopOrder";
import { crossZoneRelocation, surgesThatLand } from "../surgeLanding";
import { readSurge } from "../surgeTag";
import { compareText, movesFor } from "./spreadMoves";
import { planSurgeEnd } from "./surgeEnd";

/**
 * The service spread pass, the planner's first: every service balanced by its own strategy, level
 * by level as ECS applies spread strategies (balance.ts), with the fewest moves. Services are
 * visited in ARN order and each planned move is recorded on the ledger, so that two services never
 * count on the same free space. Each service ends in exactly one of: moves, a surge action (a surge
 * of ours in flight is ended, not spread again: surgeEnd.ts), skipped with its reason, or balanced.
 *
 * The pass has no args of its own, so no defaults or validation: what it balances to is each
 * service's own placementStrategy, placement constraints and deploymentConfiguration, as ECS
 * returns them, and no stack config key tunes it. The only setting it reads, surgeTimeoutSeconds,
 * bounds how long a surge may take (validated with the other settings in settings.ts).
 */
export interface SpreadPassOptions {
  now: Date;
  surgeTimeoutSeconds: number;
  /** Service names held by more than one service ARN (snapshotDedupe.ts): their tasks cannot be told apart. */
  duplicateServiceNames: Set<string>;
}

export interface SpreadPassResult {
  moves: Move[];
  surges: SurgeAction[];
  skipped: Skip[];
  /** Services with nothing to do, laid out: the cluster load pass picks its candidates among them. */
  balanced: BalancedService[];
}

export interface BalancedService {
  service: Service;
  tasks: ServiceTasks;
  layout: ServiceLayout;
}

export function planSpread(services: Service[], cluster: ClusterState, ledger: Ledger, options: SpreadPassOptions): SpreadPassResult {
  const result: SpreadPassResult = { moves: [], surges: [], skipped: [], balanced: [] };
  for (const service of [...services].sort((a, b) => compareText(a.serviceArn, b.serviceArn))) {
    if (options.duplicateServiceNames.has(service.serviceName ?? "")) {
      result.skipped.push(
        skip(service, { code: "duplicate-service-name", detail: `another service ARN is also named ${service.serviceName}` }),
      );
      continue;
    }
    const tasks = cluster.tasksByGroup.get(serviceGroup(service)) ?? { tasks: [], positions: [] };
    const surge = readSurge(service);
    if (surge !== undefined) {
      const ended = planSurgeEnd(service, tasks, surge, cluster, options);
      if ("code" in ended) result.skipped.push(skip(service, ended));
      else result.surges.push(ended);
      continue;
    }
    const outcome = spreadService(service, tasks, cluster, ledger);
    if ("code" in outcome) result.skipped.push(skip(service, outcome));
    else if (outcome.moves.length > 0) result.moves.push(...outcome.moves);
    else result.balanced.push({ service, tasks, layout: outcome.layout });
  }
  return result;
}

/** One service's moves to balance it, recorded on the ledger, or why it is left alone. */
function spreadService(
  service: Service,
  tasks: ServiceTasks,
  cluster: ClusterState,
  ledger: Ledger,
): { moves: Move[]; layout: ServiceLayout } | SkipReason {
  const layout = eligibleLayout(service, tasks, cluster);
  if ("code" in layout) return layout;
  const distributions = isZoneLevelEcs(service)
    ? distributeWithinZones(layout.slots, service.desiredCount!)
    : [distribute(layout.slots, service.desiredCount!)];
  if ("code" in distributions) return distributions;
  const planned = distributions.flatMap((distribution) => movesFor(service, layout, distribution));
  const moves =
    layout.fields[0] === ZONE_FIELD && deploymentBounds(service, tasks.tasks).stoppable === 0
      ? landingSurges(planned, layout, (arn) => ledger.tasks[cluster.position.get(arn) ?? -1] ?? 0)
      : planned;
  if (moves.length === 0 && planned.length > 0) {
    return {
      code: "surge-cannot-land",
      detail: "every move must be a surge, and ECS would give the extra task to a zone where it evens nothing",
    };
  }
  const unhealthy = unhealthySkipReason(tasks.tasks, moves);
  if (unhealthy) return unhealthy;
  for (const move of moves) recordTarget(move, layout, cluster, ledger);
  return { moves, layout };
}

/** Every move must be a surge (surgeLanding.ts): those that land, else one relocation through ECS's choice. */
function landingSurges(planned: Move[], layout: ServiceLayout, loadOf: (instanceArn: string) => number): Move[] {
  const landing = surgesThatLand(planned, layout, loadOf);
  if (landing.length > 0 || planned.length === 0) return landing;
  const relocation = crossZoneRelocation(planned, layout);
  return relocation ? [relocation] : [];
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
