import type { ContainerInstance } from "@aws-sdk/client-ecs";
import { FreeResources, reserve, TaskNeeds, ZONE_ATTRIBUTE } from "./placement";
import { attributeValue } from "./placementConstraint";

/**
 * The one record of instance room and load that every planning pass reads and every planned move
 * updates, by position in the planner's list of available instances (ACTIVE, agent connected).
 *
 * A move takes room on its target and moves its load (a task, its CPU and memory) from source to
 * target. The room on the source is not given back: a move starts its replacement before the old
 * task stops (a surge), or the old task drains for the target group's deregistration delay, and in
 * both cases ECS still counts the old task's resources while the new one is being placed.
 */
export interface Ledger {
  arns: string[];
  zones: string[];
  /** Room left, shared with the planner's cluster state (the same objects). */
  free: FreeResources[];
  registered: Array<{ cpu: number; memory: number }>;
  /** Tasks of every service on the instance, fixed and movable alike. */
  tasks: number[];
  /** CPU units and MiB reserved by those tasks. */
  cpu: number[];
  memory: number[];
}

/** One instance's load: task count, and reserved CPU and memory as shares of what it registers. */
export interface InstanceLoad {
  tasks: number;
  cpuShare: number;
  memoryShare: number;
}

export function readLedger(available: ContainerInstance[], free: FreeResources[], tasks: number[]): Ledger {
  const registered = available.map((i) => ({
    cpu: resource(i, "registeredResources", "CPU"),
    memory: resource(i, "registeredResources", "MEMORY"),
  }));
  return {
    arns: available.map((i) => i.containerInstanceArn!),
    zones: available.map((i) => attributeValue(i, ZONE_ATTRIBUTE) ?? ""),
    free,
    registered,
    tasks: [...tasks],
    // what the instance registers less what remains: tasks of every service, placed by anyone
    cpu: available.map((i, at) => Math.max(0, registered[at].cpu - resource(i, "remainingResources", "CPU"))),
    memory: available.map((i, at) => Math.max(0, registered[at].memory - resource(i, "remainingResources", "MEMORY"))),
  };
}

/** Records a planned move: `from` may be -1 (a task on an instance that takes no tasks now). */
export function recordMove(ledger: Ledger, from: number, to: number, needs: TaskNeeds): void {
  reserve(ledger.free[to], needs);
  ledger.tasks[to] += 1;
  ledger.cpu[to] += needs.cpu;
  ledger.memory[to] += needs.memory;
  if (from < 0) return;
  ledger.tasks[from] -= 1;
  ledger.cpu[from] -= needs.cpu;
  ledger.memory[from] -= needs.memory;
}

export function loadOf(ledger: Ledger, at: number): InstanceLoad {
  const share = (used: number, total: number) => (total > 0 ? used / total : 0);
  return {
    tasks: ledger.tasks[at],
    cpuShare: share(ledger.cpu[at], ledger.registered[at].cpu),
    memoryShare: share(ledger.memory[at], ledger.registered[at].memory),
  };
}

/** Positions per zone, zones in name order, positions in ARN order. */
export function positionsByZone(ledger: Ledger): Map<string, number[]> {
  const zones = new Map<string, number[]>();
  for (const zone of [...new Set(ledger.zones)].sort()) zones.set(zone, []);
  ledger.zones.forEach((zone, at) => zones.get(zone)!.push(at));
  return zones;
}

function resource(instance: ContainerInstance, field: "registeredResources" | "remainingResources", name: string): number {
  return instance[field]?.find((r) => r.name === name)?.integerValue ?? 0;
}
