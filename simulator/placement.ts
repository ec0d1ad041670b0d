/**
 * Task placement, in the order ECS documents: instances that can take tasks (ACTIVE, agent
 * connected) → enough CPU, memory and free host ports → constraints → each strategy in order,
 * each narrowing the candidates to its best ones → a random tie-break.
 * Strategies are best effort, constraints are binding.
 */
import type { PlacementStrategy } from "@aws-sdk/client-ecs";
import type { Random } from "./random";
import type { SimContainerInstance, SimService, SimTask } from "./model";
import type { TaskRequirements } from "./tasks";
import { isPlaceable } from "./containerInstances";
import { filterByConstraints } from "./constraints";
import { invalidParameter } from "./errors";

const ZONE_FIELD = "attribute:ecs.availability-zone";

/** A REPLICA service with no strategy spreads by Availability Zone only. */
export const DEFAULT_STRATEGY: PlacementStrategy[] = [{ type: "spread", field: ZONE_FIELD }];

export function effectiveStrategies(service: SimService): PlacementStrategy[] {
  return service.placementStrategy.length > 0 ? service.placementStrategy : DEFAULT_STRATEGY;
}

export function hasResourcesFor(instance: SimContainerInstance, requirements: TaskRequirements): boolean {
  return (
    instance.remainingCpu >= requirements.cpu &&
    instance.remainingMemory >= requirements.memory &&
    requirements.fixedPorts.every((port) => !instance.usedPorts.has(port) && !instance.reservedPorts.includes(port))
  );
}

/** The instances that could take the task before strategies are applied. */
export function feasibleInstances(
  service: SimService,
  requirements: TaskRequirements,
  instances: Iterable<SimContainerInstance>,
): SimContainerInstance[] {
  const usable = [...instances].filter(isPlaceable).filter((i) => hasResourcesFor(i, requirements));
  return filterByConstraints(service, usable);
}

/** Chooses the instance for one new task of the service, or undefined when none qualifies. */
export function chooseInstance(
  service: SimService,
  requirements: TaskRequirements,
  instances: Iterable<SimContainerInstance>,
  random: Random,
): SimContainerInstance | undefined {
  let candidates = feasibleInstances(service, requirements, instances);
  for (const strategy of effectiveStrategies(service)) {
    if (candidates.length <= 1) break;
    candidates = narrowForPlacement(strategy, candidates, service, random);
  }
  if (candidates.length > 1 && spreadsByZoneFirst(service)) {
    // UpdateService reference, default placement: in the optimal zone ECS places the task "favoring
    // container instances with the fewest number of running tasks for this service"
    const counts = countByValue(activeTasks(service), (i) => i.arn);
    candidates = keepBest(candidates, (i) => counts.get(i.arn) ?? 0, "min");
  }
  return candidates.length > 0 ? random.pick(candidates) : undefined;
}

/**
 * The documented zone-balancing logic (UpdateService API reference: placement, then scale-in)
 * applies to a service with no strategy and to one whose first strategy spreads by zone: within
 * the chosen zone, the instance's own count of the service's tasks decides. Only the remaining
 * ties are undocumented, and those stay random. Other strategies (a custom attribute first,
 * binpack, random) get no such rule: ECS documents none for them.
 */
export function spreadsByZoneFirst(service: SimService): boolean {
  const strategies = effectiveStrategies(service);
  return strategies[0].type === "spread" && strategies[0].field === ZONE_FIELD && strategies.every((s) => s.type === "spread");
}

function narrowForPlacement(
  strategy: PlacementStrategy,
  candidates: SimContainerInstance[],
  service: SimService,
  random: Random,
): SimContainerInstance[] {
  switch (strategy.type) {
    case "spread": {
      // spread counts this service's own tasks per value of the field; fewest wins.
      const counts = countByValue(activeTasks(service), spreadKey(strategy.field));
      const valueOf = spreadKey(strategy.field);
      return keepBest(candidates, (i) => counts.get(valueOf(i)) ?? 0, "min");
    }
    case "binpack":
      // binpack keeps the instances with the least remaining of the field's resource.
      return keepBest(candidates, binpackMeasure(strategy.field), "min");
    case "random":
      return [random.pick(candidates)];
    default:
      return candidates;
  }
}

export type InstanceKey = (instance: SimContainerInstance) => string;

/** `attribute:<name>` reads the attribute; `instanceId` and `host` mean the instance itself. */
export function spreadKey(field: string | undefined): InstanceKey {
  if (field === "instanceId" || field === "host") return (i) => i.arn;
  if (field?.startsWith("attribute:")) {
    const name = field.slice("attribute:".length);
    return (i) => i.attributes[name] ?? "";
  }
  throw invalidParameter(`Invalid placement strategy field "${field}" for spread.`);
}

export function binpackMeasure(field: string | undefined): (i: SimContainerInstance) => number {
  if (field === "cpu") return (i) => i.remainingCpu;
  if (field === "memory") return (i) => i.remainingMemory;
  throw invalidParameter(`Invalid placement strategy field "${field}" for binpack.`);
}

export function validateStrategies(strategies: PlacementStrategy[]): void {
  if (strategies.length > 5) throw invalidParameter("A maximum of 5 placement strategies is allowed.");
  for (const strategy of strategies) {
    if (strategy.type === "spread") spreadKey(strategy.field);
    else if (strategy.type === "binpack") binpackMeasure(strategy.field);
    else if (strategy.type !== "random") throw invalidParameter(`Invalid placement strategy type "${strategy.type}".`);
  }
}

export function* activeTasks(service: SimService): Iterable<SimTask> {
  for (const task of service.tasks) if (task.desiredStatus === "RUNNING") yield task;
}

export function countByValue(tasks: Iterable<SimTask>, key: InstanceKey): Map<string, number> {
  const counts = new Map<string, number>();
  for (const task of tasks) {
    const value = key(task.containerInstance);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

/** Keeps the items whose measure is the lowest (min) or highest (max). */
export function keepBest<T>(items: T[], measure: (item: T) => number, best: "min" | "max"): T[] {
  let bestValue = best === "min" ? Infinity : -Infinity;
  let kept: T[] = [];
  for (const item of items) {
    const value = measure(item);
    if (value === bestValue) kept.push(item);
    else if (best === "min" ? value < bestValue : value > bestValue) {
      bestValue = value;
      kept = [item];
    }
  }
  return kept;
}
