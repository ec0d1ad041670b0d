import type { ContainerInstance, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { Slot } from "./balance";
import { SkipReason } from "./eligibility";
import { FreeResources, freeResources, room, spreadFields, spreadValue, TaskNeeds, taskNeeds } from "./placement";
import { compileConstraints } from "./placementConstraint";

/** A service's tasks laid over the instances that may hold them, ready for `distribute`. */
export interface ServiceLayout {
  slots: Slot[];
  /** The service's tasks per instance, youngest first (the one moved when an instance gives one up). */
  tasksBySlot: Map<string, Task[]>;
  needs: TaskNeeds;
}

/** What the planner knows of the cluster while it plans: free resources change as moves are planned. */
export interface ClusterState {
  /** ACTIVE instances with a connected agent (only those receive tasks), in ARN order. */
  available: ContainerInstance[];
  /** Position of each available instance's ARN in `available`; the arrays below follow it. */
  position: Map<string, number>;
  availableFree: FreeResources[];
  availableLoad: number[];
  /** Spread paths of the available instances, by spread fields: computed once per planning. */
  spreadPaths: Map<string, string[][]>;
  /** Instances per group above the instance level, by spread fields (see sparseSlots). */
  leafGroups: Map<string, LeafGroup[]>;
  free: Map<string, FreeResources>;
  /** Tasks of every service per instance: the tie-break that makes the busiest instance give. */
  load: Map<string, number>;
  taskDefinitions: Map<string, TaskDefinition>;
}

/**
 * An instance may hold the service's tasks when it is ACTIVE with its agent connected (only those
 * receive tasks) and satisfies the service's and task definition's placement constraints, which are
 * binding. Its capacity is what it holds plus what still fits; distinctInstance caps it at one.
 */
export function layoutService(service: Service, tasks: Task[], cluster: ClusterState): ServiceLayout | SkipReason {
  const definition = cluster.taskDefinitions.get(service.taskDefinition ?? "");
  if (!definition) {
    return { code: "task-definition-unavailable", detail: `task definition ${service.taskDefinition} was not read` };
  }
  const constraints = [...(service.placementConstraints ?? []), ...(definition.placementConstraints ?? [])];
  const isAllowed = compileConstraints(constraints);
  if (typeof isAllowed !== "function") {
    return { code: "unsupported-placement-constraint", detail: isAllowed.unsupported };
  }
  const fields = spreadFields(service.placementStrategy) as string[];
  const isDistinct = constraints.some((c) => c.type === "distinctInstance");
  const needs = taskNeeds(definition);
  // a planning visits every service x every instance: this loop works on positions, not ARNs
  const positions = candidatePositions(cluster, constraints.length === 0 ? undefined : isAllowed);
  const tasksBySlot = groupTasks(tasks);
  const counts = new Map<number, number>();
  for (const [arn, list] of tasksBySlot) {
    const at = cluster.position.get(arn);
    if (at === undefined || (constraints.length > 0 && !isAllowed(cluster.available[at]))) {
      return { code: "tasks-on-unavailable-instance", detail: `a task runs on ${arn}, which cannot take tasks now` };
    }
    counts.set(at, list.length);
  }
  if (positions.length < 2) {
    return { code: "fewer-than-2-eligible-instances", detail: `${positions.length} eligible instance(s)` };
  }
  const paths = spreadPaths(cluster, fields);
  const capacityAt = (at: number, count: number): number => {
    const fits = room(cluster.availableFree[at], needs);
    return isDistinct ? Math.max(count, Math.min(1, count + fits)) : count + fits;
  };
  const slotAt = (at: number, count = counts.get(at) ?? 0, capacity = capacityAt(at, count)): Slot => ({
    id: cluster.available[at].containerInstanceArn!,
    path: paths[at],
    count,
    capacity,
    load: cluster.availableLoad[at],
  });
  const slots =
    fields[fields.length - 1] === "instanceId"
      ? sparseSlots(cluster, fields, positions, counts, capacityAt, slotAt, tasks.length)
      : positions.map((at) => slotAt(at));
  return { slots, tasksBySlot, needs };
}

/**
 * When the last spread level is the instance, a service of N tasks can only ever place tasks on
 * the instances it occupies and on the N best empty ones of each group (fewest tasks in total,
 * then ARN: the order balance.ts prefers). The other empty instances of a group are folded into
 * one placeholder slot that keeps the group's capacity and load sums exact and is never chosen
 * (it holds nothing and sorts last), so a large cluster costs each service O(N) slots, not one per
 * instance. See balance.spec.ts and the property tests for the equivalence.
 */
function sparseSlots(
  cluster: ClusterState,
  fields: string[],
  positions: number[],
  counts: Map<number, number>,
  capacityAt: (at: number, count: number) => number,
  slotAt: (at: number, count: number, capacity: number) => Slot,
  tasks: number,
): Slot[] {
  const isCandidate = new Uint8Array(cluster.available.length);
  for (const at of positions) isCandidate[at] = 1;
  const slots: Slot[] = [];
  for (const group of leafGroups(cluster, fields)) {
    let kept = 0;
    const rest = { capacity: 0, load: 0, instances: 0 };
    for (const at of group.positions) {
      if (!isCandidate[at]) continue;
      const count = counts.get(at) ?? 0;
      const capacity = capacityAt(at, count);
      if (count > 0) slots.push(slotAt(at, count, capacity));
      else if (capacity === 0) continue; // can neither give nor take
      else if (kept < tasks) {
        slots.push(slotAt(at, count, capacity));
        kept++;
      } else {
        rest.capacity += capacity;
        rest.load += cluster.availableLoad[at];
        rest.instances++;
      }
    }
    if (rest.instances > 0) {
      const id = `~${group.prefix.join("/")}`;
      slots.push({ id, path: [...group.prefix, id], count: 0, capacity: rest.capacity, load: rest.load });
    }
  }
  return slots;
}

interface LeafGroup {
  prefix: string[];
  /** Available instances of the group, fewest tasks in total first, then by ARN. */
  positions: number[];
}

function leafGroups(cluster: ClusterState, fields: string[]): LeafGroup[] {
  const signature = `leaf\n${fields.join("\n")}`;
  const cached = cluster.leafGroups.get(signature);
  if (cached) return cached;
  const paths = spreadPaths(cluster, fields);
  const groups = new Map<string, LeafGroup>();
  for (let at = 0; at < cluster.available.length; at++) {
    const prefix = paths[at].slice(0, -1);
    const key = prefix.join("\n");
    const group = groups.get(key) ?? { prefix, positions: [] };
    group.positions.push(at);
    groups.set(key, group);
  }
  const result = [...groups.values()];
  // available is in ARN order, and sort is stable: ties in load stay in ARN order
  for (const group of result) group.positions.sort((a, b) => cluster.availableLoad[a] - cluster.availableLoad[b]);
  cluster.leafGroups.set(signature, result);
  return result;
}

function candidatePositions(cluster: ClusterState, isAllowed?: (instance: ContainerInstance) => boolean): number[] {
  const positions: number[] = [];
  for (let at = 0; at < cluster.available.length; at++) {
    if (!isAllowed || isAllowed(cluster.available[at])) positions.push(at);
  }
  return positions;
}

/** Every available instance's group at each spread level; shared by services with the same fields. */
function spreadPaths(cluster: ClusterState, fields: string[]): string[][] {
  const signature = fields.join("\n");
  let paths = cluster.spreadPaths.get(signature);
  if (!paths) {
    paths = cluster.available.map((instance) => fields.map((f) => spreadValue(instance, f)));
    cluster.spreadPaths.set(signature, paths);
  }
  return paths;
}

/** The planner's view of a snapshot's instances. */
export function readClusterState(containerInstances: ContainerInstance[], tasks: Task[], taskDefinitions: TaskDefinition[]): ClusterState {
  const load = new Map<string, number>();
  for (const task of tasks) {
    if (task.containerInstanceArn) load.set(task.containerInstanceArn, (load.get(task.containerInstanceArn) ?? 0) + 1);
  }
  const free = new Map(containerInstances.map((i) => [i.containerInstanceArn!, freeResources(i)]));
  const available = containerInstances
    .filter((i) => i.status === "ACTIVE" && i.agentConnected === true)
    .sort((a, b) => (a.containerInstanceArn! < b.containerInstanceArn! ? -1 : a.containerInstanceArn! > b.containerInstanceArn! ? 1 : 0));
  return {
    available,
    position: new Map(available.map((i, at) => [i.containerInstanceArn!, at])),
    availableFree: available.map((i) => free.get(i.containerInstanceArn!)!),
    availableLoad: available.map((i) => load.get(i.containerInstanceArn!) ?? 0),
    spreadPaths: new Map(),
    leafGroups: new Map(),
    free,
    load,
    taskDefinitions: new Map(taskDefinitions.map((d) => [d.taskDefinitionArn!, d])),
  };
}

function groupTasks(tasks: Task[]): Map<string, Task[]> {
  const byInstance = new Map<string, Task[]>();
  for (const task of tasks) {
    const arn = task.containerInstanceArn ?? "(none)";
    const list = byInstance.get(arn) ?? [];
    list.push(task);
    byInstance.set(arn, list);
  }
  for (const list of byInstance.values()) if (list.length > 1) list.sort(youngestFirst);
  return byInstance;
}

function youngestFirst(a: Task, b: Task): number {
  const started = time(b.startedAt) - time(a.startedAt);
  if (started !== 0) return started;
  return (a.taskArn ?? "") < (b.taskArn ?? "") ? -1 : 1;
}

function time(value: Date | string | undefined): number {
  if (!value) return 0;
  return value instanceof Date ? value.getTime() : Date.parse(value);
}
