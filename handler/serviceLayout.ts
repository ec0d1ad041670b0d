import type { ContainerInstance, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { Slot } from "./balance";
import { SkipReason } from "./eligibility";
import { FreeResources, room, spreadFields, spreadValue, TaskNeeds, taskNeeds } from "./placement";
import { compileConstraints } from "./placementConstraint";

/** A service's tasks laid over the instances that may hold them, ready for `distribute`. */
export interface ServiceLayout {
  slots: Slot[];
  /** The service's tasks per instance, youngest first (the one moved when an instance gives one up). */
  tasksBySlot: Map<string, Task[]>;
  instances: Map<string, ContainerInstance>;
  needs: TaskNeeds;
}

/** What the planner knows of the cluster while it plans: free resources change as moves are planned. */
export interface ClusterState {
  instances: ContainerInstance[];
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
  const candidates = cluster.instances.filter(
    (i) => i.status === "ACTIVE" && i.agentConnected === true && isAllowed(i),
  );
  const instances = new Map(candidates.map((i) => [i.containerInstanceArn!, i]));
  const tasksBySlot = groupTasks(tasks);
  const stray = [...tasksBySlot.keys()].find((arn) => !instances.has(arn));
  if (stray) {
    return { code: "tasks-on-unavailable-instance", detail: `a task runs on ${stray}, which cannot take tasks now` };
  }
  if (candidates.length < 2) {
    return { code: "fewer-than-2-eligible-instances", detail: `${candidates.length} eligible instance(s)` };
  }
  const slots = candidates.map((instance): Slot => {
    const id = instance.containerInstanceArn!;
    const count = tasksBySlot.get(id)?.length ?? 0;
    const fits = room(cluster.free.get(id)!, needs);
    const capacity = isDistinct ? Math.max(count, Math.min(1, count + fits)) : count + fits;
    return { id, path: fields.map((f) => spreadValue(instance, f)), count, capacity, load: cluster.load.get(id) ?? 0 };
  });
  return { slots, tasksBySlot, instances, needs };
}

function groupTasks(tasks: Task[]): Map<string, Task[]> {
  const byInstance = new Map<string, Task[]>();
  for (const task of tasks) {
    const arn = task.containerInstanceArn ?? "(none)";
    const list = byInstance.get(arn) ?? [];
    list.push(task);
    byInstance.set(arn, list);
  }
  for (const list of byInstance.values()) list.sort(youngestFirst);
  return byInstance;
}

function youngestFirst(a: Task, b: Task): number {
  const started = time(b.startedAt) - time(a.startedAt);
  if (started !== 0) return started;
  return (a.taskArn ?? "") < (b.taskArn ?? "") ? -1 : 1;
}

function time(value: Date | string | undefined): number {
  return value ? new Date(value).getTime() : 0;
}
