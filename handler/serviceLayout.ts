import type { ContainerInstance, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { fillLevel, Slot } from "./balance";
import { serviceSkipReason, SkipReason } from "./eligibility";
import { FreeResources, freeResources, room, spreadFields, spreadValue, TaskNeeds, taskNeeds } from "./placement";
import { compileConstraints } from "./placementConstraint";
import { tasksInLeavingOrder } from "./leavingTask";

/** A service's tasks laid over the instances that may hold them, ready for `distribute`. */
export interface ServiceLayout {
  slots: Slot[];
  /** The spread fields, in order (placement.spreadFields). */
  fields: string[];
  /** Whether the service's placement constraints allow the available instance at a position. */
  allows: (at: number) => boolean;
  /** The service's tasks on an instance, in leaving order (leavingTask.ts): the first one moves. */
  tasksOn: (instanceArn: string) => Task[];
  /** An available instance's group at each spread level (its slot's path, without looking for the slot). */
  pathOf: (instanceArn: string) => string[] | undefined;
  needs: TaskNeeds;
}

/** A service's tasks, each with the position of its instance in `available` (-1: not available). */
export interface ServiceTasks {
  tasks: Task[];
  positions: number[];
}

/** What the planner knows of the cluster while it plans: free resources change as moves are planned. */
export interface ClusterState {
  /** ACTIVE instances with a connected agent (only those receive tasks), in ARN order. */
  available: ContainerInstance[];
  /** Position of each available instance's ARN in `available`; the arrays below follow it. */
  position: Map<string, number>;
  availableArns: string[];
  /** Every position, for services that any available instance may hold. */
  allPositions: number[];
  availableFree: FreeResources[];
  /** Tasks of every service per instance: the tie-break that makes the busiest instance give. */
  availableLoad: number[];
  /** One service's tasks per position while it is laid out; all zero between services. */
  scratchCounts: Int32Array;
  /** Spread paths of the available instances, by spread fields: computed once per planning. */
  spreadPaths: Map<string, string[][]>;
  /** Instances per group above the instance level, by spread fields (see sparseSlots). */
  leafGroupings: Map<string, LeafGrouping>;
  free: Map<string, FreeResources>;
  /** Tasks by task group ("service:name"), with their positions: each task's instance looked up once. */
  tasksByGroup: Map<string, ServiceTasks>;
  taskDefinitions: Map<string, TaskDefinition>;
}

/** The service laid over its instances, or why it cannot be acted on now. */
export function eligibleLayout(service: Service, tasks: ServiceTasks, cluster: ClusterState): ServiceLayout | SkipReason {
  return serviceSkipReason(service, tasks.tasks) ?? layoutService(service, tasks, cluster);
}

/**
 * An instance may hold the service's tasks when it is ACTIVE with its agent connected (only those
 * receive tasks) and satisfies the service's and task definition's placement constraints, which are
 * binding. Its capacity is what it holds plus what still fits; distinctInstance caps it at one.
 */
export function layoutService(
  service: Service,
  { tasks, positions: taskPositions }: ServiceTasks,
  cluster: ClusterState,
): ServiceLayout | SkipReason {
  const definition = cluster.taskDefinitions.get(service.taskDefinition ?? "");
  if (!definition) {
    return { code: "task-definition-unavailable", detail: `task definition ${service.taskDefinition} was not read` };
  }
  const constraints = [...(service.placementConstraints ?? []), ...(definition.placementConstraints ?? [])];
  const isAllowed = compileConstraints(constraints);
  if (typeof isAllowed !== "function") {
    return { code: "unsupported-placement-constraint", detail: isAllowed.unsupported };
  }
  const allowed = constraints.length === 0 ? undefined : isAllowed;
  const counts = cluster.scratchCounts;
  const occupied: number[] = [];
  try {
    // a planning visits every service on a cluster of many instances: work on positions, not ARNs
    for (let i = 0; i < tasks.length; i++) {
      const at = taskPositions[i];
      if (at < 0 || (allowed && counts[at] === 0 && !allowed(cluster.available[at]))) {
        const arn = tasks[i].containerInstanceArn ?? "(none)";
        return { code: "tasks-on-unavailable-instance", detail: `a task runs on ${arn}, which cannot take tasks now` };
      }
      if (counts[at]++ === 0) occupied.push(at);
    }
    const positions = allowed ? candidatePositions(cluster, allowed) : cluster.allPositions;
    if (positions.length < 2) {
      return { code: "fewer-than-2-eligible-instances", detail: `${positions.length} eligible instance(s)` };
    }
    const fields = spreadFields(service.placementStrategy) as string[];
    const isDistinct = constraints.some((c) => c.type === "distinctInstance");
    const needs = taskNeeds(definition);
    const paths = spreadPaths(cluster, fields);
    const view: ServiceView = {
      count: (at) => counts[at],
      capacity: (at) => {
        const count = counts[at];
        const fits = room(cluster.availableFree[at], needs);
        return isDistinct ? Math.max(count, Math.min(1, count + fits)) : count + fits;
      },
      slot: (at, capacity) => ({
        id: cluster.availableArns[at],
        path: paths[at],
        count: counts[at],
        capacity,
        load: cluster.availableLoad[at],
      }),
      tasks: tasks.length,
    };
    let slots: Slot[];
    if (fields[fields.length - 1] !== "instanceId") slots = positions.map((at) => view.slot(at, view.capacity(at)));
    else slots = sparseSlots(cluster, fields, occupied, view, allowed ? positions : undefined);
    const allows = allowed ? (at: number) => allowed(cluster.available[at]) : () => true;
    const pathOf = (arn: string) => {
      const at = cluster.position.get(arn);
      return at === undefined ? undefined : paths[at];
    };
    return { slots, fields, allows, tasksOn: tasksOnInstance(tasks, taskPositions, cluster), pathOf, needs };
  } finally {
    for (const at of occupied) counts[at] = 0;
  }
}

/** One service as sparseSlots sees it, by instance position. */
interface ServiceView {
  count(at: number): number;
  capacity(at: number): number;
  slot(at: number, capacity: number): Slot;
  /** The service's task count: no target ever exceeds it. */
  tasks: number;
}

/**
 * When the last spread level is the instance, a service of N tasks can only ever place tasks on
 * the instances it occupies and on the best empty ones of each group (fewest tasks in total, then
 * ARN: the order balance.ts prefers), no more of them than the group can be given (mostPerGroup)
 * beyond the occupied ones, which water-filling fills first (each task kept there saves a move).
 * The other instances of a group are folded into one placeholder slot that keeps the group's load
 * sum exact and its capacity exact up to N + 1 (no target exceeds N, so more capacity changes
 * nothing), and is never chosen (it holds nothing and sorts last). So a large cluster costs each
 * service O(N) slots, not one per instance; a service whose constraints leave only `allowed`
 * instances first pays one pass to narrow the groups to them. serviceLayout.spec.ts checks that the
 * distribution is the same as over every instance.
 */
function sparseSlots(cluster: ClusterState, fields: string[], occupied: number[], view: ServiceView, allowed?: number[]): Slot[] {
  const grouping = leafGrouping(cluster, fields);
  const groups = allowed ? onlyAllowed(grouping.groups, allowed, cluster) : grouping.groups;
  const occupiedIn = groups.map(() => [] as number[]);
  for (const at of occupied) occupiedIn[grouping.groupOf[at]].push(at);
  const capacities = groups.map((group, g) => groupCapacity(group, occupiedIn[g], view));
  const most = mostPerGroup(capacities, fields.length, view.tasks);
  const slots: Slot[] = [];
  groups.forEach((group, g) => {
    const chosen = occupiedIn[g];
    let chosenLoad = 0;
    for (const at of chosen) chosenLoad += cluster.availableLoad[at];
    // the least busy empty instances with room, in the group's order: as many as the group's most
    // tasks need beside the occupied ones, which water-filling prefers (each saves a move)
    const wanted = Math.max(0, most[g] - chosen.length);
    let kept = 0;
    let next = 0;
    for (; next < group.positions.length && kept < wanted; next++) {
      const at = group.positions[next];
      if (view.count(at) > 0 || view.capacity(at) === 0) continue;
      chosen.push(at);
      chosenLoad += cluster.availableLoad[at];
      kept++;
    }
    // in the group's order (ranks are distinct within a group)
    chosen.sort((x, y) => grouping.rank[x] - grouping.rank[y]);
    for (const at of chosen) slots.push(view.slot(at, view.capacity(at)));
    if (chosen.length === group.positions.length) return;
    let restCapacity = 0;
    for (; next < group.positions.length && restCapacity <= view.tasks; next++) {
      const at = group.positions[next];
      if (view.count(at) === 0) restCapacity += view.capacity(at);
    }
    slots.push(placeholder(group, restCapacity, group.load - chosenLoad));
  });
  return slots;
}

/** A group's capacity for the service, exact up to N + 1: the least busy empty instances first. */
function groupCapacity(group: LeafGroup, occupied: number[], view: ServiceView): number {
  let capacity = 0;
  for (const at of occupied) capacity += view.capacity(at);
  for (let next = 0; next < group.positions.length && capacity <= view.tasks; next++) {
    const at = group.positions[next];
    if (view.count(at) === 0) capacity += view.capacity(at);
  }
  return capacity;
}

/**
 * The most tasks each group can be given. With one spread level above the instance, water-filling
 * gives a group at most min(capacity, L + 1) (see balance.waterfill), so it needs no more empty
 * instances than that in view; with more levels, N bounds it.
 */
function mostPerGroup(capacities: number[], fields: number, tasks: number): number[] {
  if (fields !== 2) return capacities.map(() => tasks);
  const level = fillLevel(
    capacities.map((capacity) => ({ capacity })),
    tasks,
  );
  return capacities.map((capacity) => Math.min(capacity, level + 1, tasks));
}

/** The groups restricted to the allowed instances, in the same order, with their load sums. */
function onlyAllowed(groups: LeafGroup[], allowed: number[], cluster: ClusterState): LeafGroup[] {
  const isAllowed = new Uint8Array(cluster.available.length);
  for (const at of allowed) isAllowed[at] = 1;
  return groups.map((group) => {
    const positions = group.positions.filter((at) => isAllowed[at] === 1);
    let load = 0;
    for (const at of positions) load += cluster.availableLoad[at];
    return { prefix: group.prefix, positions, load };
  });
}

/** A placeholder's id starts with it; no instance ARN does. */
const PLACEHOLDER_MARK = "~";

/** Whether a slot is a group's placeholder for empty instances (see sparseSlots), not one instance. */
export function isPlaceholder(slot: Slot): boolean {
  return slot.id.startsWith(PLACEHOLDER_MARK);
}

function placeholder(group: LeafGroup, capacity: number, load: number): Slot {
  // every service folds the same group: its id and path are built once (slot paths are read-only)
  group.placeholderPath ??= [...group.prefix, `${PLACEHOLDER_MARK}${group.prefix.join("/")}`];
  return { id: group.placeholderPath[group.placeholderPath.length - 1], path: group.placeholderPath, count: 0, capacity, load };
}

interface LeafGroup {
  prefix: string[];
  /** Available instances of the group, fewest tasks in total first, then by ARN. */
  positions: number[];
  /** Tasks of all services on the group's instances. */
  load: number;
  /** The placeholder slot's path, its id last (built on first use). */
  placeholderPath?: string[];
}

/** The groups above the instance level, with each position's group and its rank within it. */
interface LeafGrouping {
  groups: LeafGroup[];
  groupOf: Int32Array;
  rank: Int32Array;
}

function leafGrouping(cluster: ClusterState, fields: string[]): LeafGrouping {
  const signature = fields.join("\n");
  const cached = cluster.leafGroupings.get(signature);
  if (cached) return cached;
  const paths = spreadPaths(cluster, fields);
  const byPrefix = new Map<string, LeafGroup>();
  for (let at = 0; at < cluster.available.length; at++) {
    const prefix = paths[at].slice(0, -1);
    const key = prefix.join("\n");
    const group = byPrefix.get(key) ?? { prefix, positions: [], load: 0 };
    group.positions.push(at);
    group.load += cluster.availableLoad[at];
    byPrefix.set(key, group);
  }
  const groups = [...byPrefix.values()];
  const groupOf = new Int32Array(cluster.available.length);
  const rank = new Int32Array(cluster.available.length);
  groups.forEach((group, g) => {
    // available is in ARN order, and sort is stable: ties in load stay in ARN order
    group.positions.sort((a, b) => cluster.availableLoad[a] - cluster.availableLoad[b]);
    group.positions.forEach((at, r) => {
      groupOf[at] = g;
      rank[at] = r;
    });
  });
  const grouping = { groups, groupOf, rank };
  cluster.leafGroupings.set(signature, grouping);
  return grouping;
}

function candidatePositions(cluster: ClusterState, isAllowed: (instance: ContainerInstance) => boolean): number[] {
  const positions: number[] = [];
  for (let at = 0; at < cluster.available.length; at++) {
    if (isAllowed(cluster.available[at])) positions.push(at);
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

/** The planner's view of a snapshot's instances, and of its tasks by service. */
export function readClusterState(containerInstances: ContainerInstance[], tasks: Task[], taskDefinitions: TaskDefinition[]): ClusterState {
  const free = new Map(containerInstances.map((i) => [i.containerInstanceArn!, freeResources(i)]));
  const available = containerInstances
    .filter((i) => i.status === "ACTIVE" && i.agentConnected === true)
    .sort((a, b) => (a.containerInstanceArn! < b.containerInstanceArn! ? -1 : a.containerInstanceArn! > b.containerInstanceArn! ? 1 : 0));
  const position = new Map(available.map((i, at) => [i.containerInstanceArn!, at]));
  const availableLoad = available.map(() => 0);
  const tasksByGroup = new Map<string, ServiceTasks>();
  for (const task of tasks) {
    const at = position.get(task.containerInstanceArn ?? "") ?? -1;
    if (at >= 0) availableLoad[at]++;
    const key = task.group ?? "";
    const group = tasksByGroup.get(key);
    if (group) {
      group.tasks.push(task);
      group.positions.push(at);
    } else tasksByGroup.set(key, { tasks: [task], positions: [at] });
  }
  return {
    available,
    position,
    availableArns: available.map((i) => i.containerInstanceArn!),
    allPositions: available.map((_, at) => at),
    availableFree: available.map((i) => free.get(i.containerInstanceArn!)!),
    availableLoad,
    scratchCounts: new Int32Array(available.length),
    spreadPaths: new Map(),
    leafGroupings: new Map(),
    free,
    tasksByGroup,
    taskDefinitions: new Map(taskDefinitions.map((d) => [d.taskDefinitionArn!, d])),
  };
}

/**
 * A service's tasks on one instance, in leaving order: sorted only for the instances that give tasks
 * up. The tasks are grouped by instance once, on the first call: a service of 50 tasks over 15
 * givers would otherwise scan all its tasks once per giver.
 */
function tasksOnInstance(tasks: Task[], positions: number[], cluster: ClusterState): (instanceArn: string) => Task[] {
  let byPosition: Map<number, Task[]> | undefined;
  return (instanceArn) => {
    byPosition ??= groupedByPosition(tasks, positions);
    const at = cluster.position.get(instanceArn);
    return at === undefined ? [] : tasksInLeavingOrder(byPosition.get(at) ?? []);
  };
}

function groupedByPosition(tasks: Task[], positions: number[]): Map<number, Task[]> {
  const byPosition = new Map<number, Task[]>();
  tasks.forEach((task, i) => {
    const on = byPosition.get(positions[i]);
    if (on) on.push(task);
    else byPosition.set(positions[i], [task]);
  });
  return byPosition;
}
