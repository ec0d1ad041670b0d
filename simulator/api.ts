/**
 * ECS API operation handlers over the simulator state: request JSON in, response JSON out,
 * or an EcsError. Limits follow ECS: DescribeServices takes at most 10 services,
 * DescribeTasks and DescribeContainerInstances at most 100; ListServices pages by 10 by default,
 * ListTasks and ListContainerInstances by 100.
 */
import type { EcsState } from "./state";
import type { SimCluster, SimTask } from "./model";
import { EcsError, invalidParameter } from "./errors";
import { clusterShape, containerInstanceShape, serviceShape, taskDefinitionShape, taskShape } from "./shapes";
import { paginate, sortedArns } from "./pagination";
import { registerTaskDefinition } from "./taskDefinitions";
import { createService, deleteService, updateService } from "./services";
import { stopTaskByUser } from "./tasks";
import { markDeregistered, setInstanceStatus } from "./containerInstances";
import { parseExpression } from "./constraints";
import { createCluster } from "./clusters";
import { stopImmediately } from "./tasks";
import { getTaskProtection, updateTaskProtection } from "./taskProtection";
import { listServiceDeployments } from "./serviceDeployments";
import { mergeTags, requireUserTagKeys } from "./tagRules";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Handler = (state: EcsState, input: Json) => Json;

export interface ApiCalls {
  byOperation: Record<string, number>;
  /** List* and Describe* calls. */
  read: number;
  /** Every other operation. */
  write: number;
}

export class ApiCallCounter {
  private counts: Record<string, number> = {};

  record(operation: string): void {
    this.counts[operation] = (this.counts[operation] ?? 0) + 1;
  }

  snapshot(): ApiCalls {
    let read = 0;
    let write = 0;
    for (const [operation, count] of Object.entries(this.counts)) {
      if (isReadOperation(operation)) read += count;
      else write += count;
    }
    return { byOperation: { ...this.counts }, read, write };
  }

  reset(): void {
    this.counts = {};
  }
}

export function isReadOperation(operation: string): boolean {
  return operation.startsWith("List") || operation.startsWith("Describe") || operation.startsWith("Get");
}

/** The operations the simulator serves; each must be covered by the model extract. */
export function servedOperations(): string[] {
  return Object.keys(HANDLERS);
}

/** Whether ECS takes the call at all: a known operation, authorized, not throttled (the faults). */
export function admitOperation(state: EcsState, operation: string): void {
  if (!HANDLERS[operation]) throw new EcsError("UnknownOperationException", `Unknown operation ${operation}`);
  if (state.faults.deniedOperations.includes(operation)) {
    throw new EcsError("AccessDeniedException", `User is not authorized to perform: ecs:${operation}`);
  }
  if (state.faultRandom.chance(state.faults.throttleRate)) throw new EcsError("ThrottlingException", "Rate exceeded");
  if (state.faults.tokenBuckets && !state.buckets.take(state, operation)) throw new EcsError("ThrottlingException", "Rate exceeded");
}

/** Dispatches one admitted operation. */
export function handleOperation(state: EcsState, operation: string, input: Json): Json {
  return HANDLERS[operation](state, input ?? {});
}

/** The describeFailureRate fault: an existing resource answered as MISSING. */
function failsDescribe(state: EcsState): boolean {
  return state.faultRandom.chance(state.faults.describeFailureRate);
}

function missing(arn: string): Json {
  return { arn, reason: "MISSING" };
}

/**
 * The Describe* pattern: each reference found is described, the rest (and, under the
 * describeFailureRate fault, some found ones) are answered as MISSING failures.
 */
function describeEach<T>(
  state: EcsState,
  refs: string[],
  find: (ref: string) => T | undefined,
  arnOf: (found: T | undefined, ref: string) => string,
  shape: (found: T) => Json,
): { items: Json[]; failures: Json[] } {
  const items: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs) {
    const found = find(ref);
    if (!found || failsDescribe(state)) failures.push(missing(arnOf(found, ref)));
    else items.push(shape(found));
  }
  return { items, failures };
}

function requireList(value: unknown, name: string, max: number): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidParameter(`${name} cannot be empty.`);
  if (value.length > max) throw invalidParameter(`${name} cannot contain more than ${max} elements.`);
  return value as string[];
}

const HANDLERS: Record<string, Handler> = {
  CreateCluster: (state, input) => {
    const tags = mergeTags([], input.tags ?? []); // ECS's tag rules, checked before anything is stored
    const cluster = createCluster(state, input.clusterName ?? "default");
    if (tags.length) state.tags.set(cluster.arn, tags);
    return { cluster: clusterShape(state, cluster) };
  },
  DescribeClusters: (state, input) => {
    const clusters: Json[] = [];
    const failures: Json[] = [];
    for (const ref of (input.clusters as string[] | undefined) ?? ["default"]) {
      const name = ref.split("/").pop() as string;
      const cluster = state.clusters.get(name);
      if (cluster) clusters.push(clusterShape(state, cluster));
      else failures.push(missing(state.arn(`cluster/${name}`)));
    }
    return { clusters, failures };
  },
  ListClusters: (state, input) => {
    const page = paginate(sortedArns([...state.clusters.values()].map((c) => c.arn)), input, 100);
    return { clusterArns: page.items, nextToken: page.nextToken };
  },
  RegisterTaskDefinition: (state, input) => {
    const definition = registerTaskDefinition(state, input as never);
    return { taskDefinition: taskDefinitionShape(definition), tags: state.tags.get(definition.arn) ?? [] };
  },
  DescribeTaskDefinition: (state, input) => {
    const definition = state.taskDefinition(input.taskDefinition);
    // ECS returns the tags only when asked with include: ["TAGS"]
    const tags = (input.include ?? []).includes("TAGS") ? (state.tags.get(definition.arn) ?? []) : undefined;
    return { taskDefinition: taskDefinitionShape(definition), tags };
  },
  DeregisterTaskDefinition: (state, input) => {
    const definition = state.taskDefinition(input.taskDefinition);
    definition.status = "INACTIVE";
    return { taskDefinition: taskDefinitionShape(definition) };
  },
  ListTaskDefinitions: (state, input) => {
    const status = input.status ?? "ACTIVE";
    const matching = [...state.taskDefinitions.values()].filter(
      (d) => d.status === status && (!input.familyPrefix || d.family.startsWith(input.familyPrefix)),
    );
    // Sorted by family, then revision; DESC reverses, as ECS's sort parameter does.
    matching.sort((a, b) => (a.family === b.family ? a.revision - b.revision : a.family < b.family ? -1 : 1));
    if (input.sort === "DESC") matching.reverse();
    const arns = matching.map((d) => d.arn);
    const start = input.nextToken ? Number(Buffer.from(input.nextToken, "base64").toString()) : 0;
    const size = input.maxResults ?? 100;
    const items = arns.slice(start, start + size);
    const nextToken = start + size < arns.length ? Buffer.from(String(start + size)).toString("base64") : undefined;
    return { taskDefinitionArns: items, nextToken };
  },
  CreateService: (state, input) => ({
    service: serviceShape(state, createService(state, state.cluster(input.cluster), input as never), false),
  }),
  UpdateService: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const before = state.service(cluster, input.service ?? "")?.desiredCount;
    const service = updateService(state, cluster, input as never);
    // remembered so that the stops this scale-in causes count as the caller's (a move), not ECS's own
    if (before !== undefined && service.desiredCount < before)
      service.apiScaleIn = (service.apiScaleIn ?? 0) + before - service.desiredCount;
    return { service: serviceShape(state, service, false) };
  },
  DeleteService: (state, input) => ({
    service: serviceShape(state, deleteService(state, state.cluster(input.cluster), input.service ?? "", input.force === true), false),
  }),
  DescribeServices: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const refs = requireList(input.services, "services", 10);
    const includeTags = ((input.include as string[] | undefined) ?? []).includes("TAGS");
    const { items, failures } = describeEach(
      state,
      refs,
      (ref) => state.service(cluster, ref),
      (service, ref) => service?.arn ?? state.arn(`service/${cluster.name}/${ref.split("/").pop()}`),
      (service) => serviceShape(state, service, includeTags),
    );
    return { services: items, failures };
  },
  ListServices: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const arns = [...cluster.services.values()]
      .filter((s) => s.status !== "INACTIVE")
      .filter((s) => !input.schedulingStrategy || s.schedulingStrategy === input.schedulingStrategy)
      .filter((s) => !input.launchType || s.launchType === input.launchType)
      .map((s) => s.arn);
    const page = paginate(sortedArns(arns), input, 10);
    return { serviceArns: page.items, nextToken: page.nextToken };
  },
  ListTasks: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const desiredStatus = input.desiredStatus ?? "RUNNING";
    const arns = tasksToList(state, cluster, input)
      .filter((t) => t.desiredStatus === desiredStatus)
      .filter((t) => !input.family || t.taskDefinitionArn.includes(`task-definition/${input.family}:`))
      .filter((t) => !input.startedBy || t.startedBy === input.startedBy)
      .map((t) => t.arn);
    const page = paginate(sortedArns(arns), input, 100);
    return { taskArns: page.items, nextToken: page.nextToken };
  },
  DescribeTasks: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const refs = requireList(input.tasks, "tasks", 100);
    const { items, failures } = describeEach(
      state,
      refs,
      (ref) => state.task(cluster, ref),
      (task, ref) => task?.arn ?? ref,
      (task) => taskShape(state, task),
    );
    return { tasks: items, failures };
  },
  StopTask: (state, input) => {
    // the StopTask API reference: "Up to 255 characters are allowed in this message" (not in the model)
    if ([...(input.reason ?? "")].length > 255) throw invalidParameter("reason: up to 255 characters are allowed.");
    const cluster = state.cluster(input.cluster);
    const task = state.task(cluster, input.task ?? "");
    if (!task) throw invalidParameter("The referenced task was not found.");
    stopTaskByUser(state, task, input.reason ?? "Task stopped by user");
    return { task: taskShape(state, task) };
  },
  ListContainerInstances: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const predicate = input.filter ? parseExpression(input.filter) : () => true;
    const arns = [...cluster.instances.values()]
      .filter((i) => (input.status ? i.status === input.status : i.status !== "INACTIVE"))
      .filter(predicate)
      .map((i) => i.arn);
    const page = paginate(sortedArns(arns), input, 100);
    return { containerInstanceArns: page.items, nextToken: page.nextToken };
  },
  DescribeContainerInstances: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const refs = requireList(input.containerInstances, "containerInstances", 100);
    const { items, failures } = describeEach(
      state,
      refs,
      (ref) => state.containerInstance(cluster, ref),
      (instance, ref) => instance?.arn ?? ref,
      (instance) => containerInstanceShape(state, instance),
    );
    return { containerInstances: items, failures };
  },
  UpdateContainerInstancesState: (state, input) => {
    const cluster = state.cluster(input.cluster);
    if (input.status !== "ACTIVE" && input.status !== "DRAINING")
      throw invalidParameter(`Invalid status "${input.status}": expected ACTIVE or DRAINING.`);
    const containerInstances: Json[] = [];
    const failures: Json[] = [];
    for (const ref of requireList(input.containerInstances, "containerInstances", 10)) {
      const instance = state.containerInstance(cluster, ref);
      if (!instance || instance.status === "INACTIVE") {
        failures.push(missing(instance?.arn ?? ref));
        continue;
      }
      setInstanceStatus(state, instance, input.status);
      containerInstances.push(containerInstanceShape(state, instance));
    }
    return { containerInstances, failures };
  },
  DeregisterContainerInstance: (state, input) => {
    const cluster = state.cluster(input.cluster);
    const instance = state.containerInstance(cluster, input.containerInstance ?? "");
    if (!instance) throw invalidParameter("The referenced container instance was not found.");
    if (instance.tasks.size > 0 && input.force !== true) {
      throw invalidParameter("Found running tasks on the instance. Use force to deregister it anyway.");
    }
    for (const task of [...instance.tasks]) stopImmediately(state, task, "Container instance deregistered", "TaskFailedToStart");
    markDeregistered(state, instance);
    return { containerInstance: containerInstanceShape(state, instance) };
  },
  TagResource: (state, input) => {
    const arn = requireTaggable(state, input.resourceArn);
    state.tags.set(arn, mergeTags(state.tags.get(arn) ?? [], input.tags));
    return {};
  },
  UntagResource: (state, input) => {
    const arn = requireTaggable(state, input.resourceArn);
    requireUserTagKeys(input.tagKeys);
    const drop = new Set(input.tagKeys as string[]);
    state.tags.set(
      arn,
      (state.tags.get(arn) ?? []).filter((t) => !drop.has(t.key ?? "")),
    );
    return {};
  },
  UpdateTaskProtection: (state, input) => updateTaskProtection(state, state.cluster(input.cluster), input),
  GetTaskProtection: (state, input) => getTaskProtection(state, state.cluster(input.cluster), input),
  ListServiceDeployments: (state, input) => listServiceDeployments(state, state.cluster(input.cluster), input),
  ListTagsForResource: (state, input) => ({ tags: state.tags.get(requireTaggable(state, input.resourceArn)) ?? [] }),
};

/** Narrows ListTasks by the indexes: a service's or an instance's live tasks, else the whole cluster. */
function tasksToList(state: EcsState, cluster: SimCluster, input: Json): SimTask[] {
  const live = (input.desiredStatus ?? "RUNNING") === "RUNNING";
  let tasks: Iterable<SimTask> = cluster.tasks.values();
  if (input.serviceName) {
    const service = state.requireService(cluster, input.serviceName);
    tasks = live ? service.tasks : [...cluster.tasks.values()].filter((t) => t.serviceName === service.name);
  }
  if (input.containerInstance) {
    const instance = state.containerInstance(cluster, input.containerInstance);
    if (!instance) throw invalidParameter("The referenced container instance was not found.");
    const within = [...tasks];
    tasks = within.filter((t) => t.containerInstance === instance);
  }
  return [...tasks];
}

function requireTaggable(state: EcsState, arn: string | undefined): string {
  if (!arn || !arn.startsWith("arn:")) throw invalidParameter(`Invalid resourceArn "${arn ?? ""}".`);
  if (arn.includes(":service/") && !state.serviceByArn(arn)) throw invalidParameter("The specified resource could not be found.");
  return arn;
}
