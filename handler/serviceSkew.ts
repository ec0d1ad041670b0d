import type { Task } from "@aws-sdk/client-ecs";
import { Action } from "./executor";
import { activeInstanceZones } from "./loadBand";
import { Move, Plan } from "./planner";
import { Snapshot } from "./snapshot";

/**
 * Per-service skew: the most tasks of the service in one Availability Zone minus the fewest, over the
 * zones that have an ACTIVE container instance. "Before" is the cluster as read; "after" is the
 * cluster once this run's writes have taken effect: stopped tasks gone, and each moved task counted
 * in the zone the plan sends it to (ECS starts the replacement by the service's zone spread).
 * Measured for the services the planner could act on (moved or already balanced, or finishing a
 * surge); skipped services are reported by reason instead.
 */
export interface ServiceSkew {
  serviceName: string;
  before: number;
  after: number;
}

export function measureServiceSkew(snapshot: Snapshot, plan: Plan, actions: Action[]): ServiceSkew[] {
  const zoneOf = activeInstanceZones(snapshot.containerInstances);
  const zones = [...new Set(Object.values(zoneOf))];
  const measured = new Set([
    ...plan.moves.map((m) => m.service),
    ...plan.balanced,
    ...plan.surges.filter((s) => s.kind === "complete").map((s) => s.service),
  ]);
  const names = new Map(snapshot.services.map((s) => [s.serviceArn!, s.serviceName!]));
  const result: ServiceSkew[] = [];
  for (const serviceArn of [...measured].sort()) {
    const counts = zoneCounts(snapshot.tasks, names.get(serviceArn)!, zoneOf, zones);
    const before = spread(counts);
    applyActions(counts, serviceArn, plan, actions, snapshot, zoneOf);
    result.push({ serviceName: names.get(serviceArn)!, before, after: spread(counts) });
  }
  return result;
}

function zoneCounts(tasks: Task[], serviceName: string, zoneOf: Record<string, string>, zones: string[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(zones.map((z) => [z, 0]));
  for (const task of tasks) {
    if (task.group !== `service:${serviceName}`) continue;
    const zone = zoneOf[task.containerInstanceArn ?? ""];
    if (zone !== undefined) counts[zone]++;
  }
  return counts;
}

/** This run's writes on one service, as zone counts: a stop leaves its zone, a move lands in its target's. */
function applyActions(
  counts: Record<string, number>,
  serviceArn: string,
  plan: Plan,
  actions: Action[],
  snapshot: Snapshot,
  zoneOf: Record<string, string>,
): void {
  const moves = plan.moves.filter((m) => m.service === serviceArn);
  const taskZone = new Map(snapshot.tasks.map((t) => [t.taskArn!, zoneOf[t.containerInstanceArn ?? ""]]));
  for (const action of actions.filter((a) => a.service === serviceArn)) {
    if (action.kind === "stop") {
      for (const task of action.tasks)
        move(
          counts,
          moves.find((m) => m.taskArn === task),
          taskZone,
          zoneOf,
        );
    } else if (action.kind === "surge") {
      const from = snapshot.services.find((s) => s.serviceArn === serviceArn)?.desiredCount ?? 0;
      for (const m of moves.slice(0, (action.desiredCount ?? from) - from)) move(counts, m, taskZone, zoneOf);
    } else if (action.kind === "complete-surge" || action.kind === "rollback-surge") {
      // the extra tasks are already counted where ECS placed them; the stopped ones leave
      for (const task of action.tasks) leave(counts, taskZone.get(task));
    }
  }
}

function move(
  counts: Record<string, number>,
  m: Move | undefined,
  taskZone: Map<string, string | undefined>,
  zoneOf: Record<string, string>,
): void {
  if (!m) return;
  const target = m.to !== null ? zoneOf[m.to] : m.toGroup.find((g) => g in counts);
  // a move whose landing zone is unknown is left out rather than counted as a loss
  if (target === undefined) return;
  leave(counts, taskZone.get(m.taskArn));
  counts[target]++;
}

function leave(counts: Record<string, number>, zone: string | undefined): void {
  if (zone !== undefined && counts[zone] > 0) counts[zone]--;
}

function spread(counts: Record<string, number>): number {
  const values = Object.values(counts);
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}
