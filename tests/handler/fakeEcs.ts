import type {
  ContainerInstance,
  Failure,
  PlacementConstraint,
  Resource,
  Service,
  ServiceDeploymentBrief,
  Tag,
  Task,
  TaskDefinition,
} from "@aws-sdk/client-ecs";
import { DESCRIBE_LIMITS, Described, EcsPort, TASK_PROTECTION_BATCH } from "../../handler/ecsPort";
import { Snapshot } from "../../handler/snapshot";

/**
 * An in-memory EcsPort over a mutable snapshot, for executor, snapshot and Lambda specs. It answers
 * as ECS does where the engine depends on it (Describe limits, failures entries, StopTask on a
 * stopped or unknown task, errors by name) and records every call. It is not a scheduler: between
 * runs a test may call `advance()`, which does the least a service scheduler does (start tasks up
 * to the desired count by zone then instance, stop tasks above it). simulator/ is the real model.
 */
export type Operation = keyof EcsPort;

export interface Call {
  op: Operation;
  args: unknown[];
}

export const WRITE_OPERATIONS: Operation[] = [
  "updateServiceDesiredCount",
  "updateServicePlacementConstraints",
  "stopTask",
  "tagResource",
  "untagResource",
  "updateTaskProtection",
];

interface Fault {
  op: Operation;
  name: string;
  message: string;
  remaining: number;
  when: (args: unknown[]) => boolean;
}

/** The ports the ECS agent reserves on every instance (as fixtures.ts lists them). */
const AGENT_PORTS = ["22", "2375", "2376", "51678", "51679"];

export class FakeEcs implements EcsPort {
  /** Every call, in order, including those that threw. */
  readonly calls: Call[] = [];
  /** The first cluster's state; tests may change it directly. */
  readonly state: Snapshot;
  private readonly clusters: Snapshot[];
  private readonly faults: Fault[] = [];
  private readonly describeFailures = new Map<string, { remaining: number; reason: string }>();
  private started = 0;
  /** Service deployments (ListServiceDeployments); tests push BLUE_GREEN, LINEAR ... ones here. */
  readonly serviceDeployments: ServiceDeploymentBrief[] = [];
  /** Tasks with scale-in protection on (UpdateTaskProtection): advance()'s scale-in never stops them. */
  readonly protectedTasks = new Set<string>();

  constructor(snapshot: Snapshot, ...otherClusters: Snapshot[]) {
    this.clusters = [snapshot, ...otherClusters].map((s) => structuredClone(s));
    this.state = this.clusters[0];
  }

  // ---- what tests inject and read ----

  count(op?: Operation): number {
    return op ? this.calls.filter((c) => c.op === op).length : this.calls.length;
  }

  writes(): Call[] {
    return this.calls.filter((c) => WRITE_OPERATIONS.includes(c.op));
  }

  /** The next `times` calls of `op` (matching `when`) throw an error with this name, before acting. */
  fail(op: Operation, name: string, options: { message?: string; times?: number; when?: (args: unknown[]) => boolean } = {}): void {
    this.faults.push({
      op,
      name,
      message: options.message ?? name,
      remaining: options.times ?? 1,
      when: options.when ?? (() => true),
    });
  }

  /** ECS answers throttling with ThrottlingException; the SDK retries it, but the port sees what is left. */
  throttle(op: Operation, options: { times?: number; when?: (args: unknown[]) => boolean } = {}): void {
    this.fail(op, "ThrottlingException", { message: "Rate exceeded", ...options });
  }

  /** The next `times` Describe calls naming `arn` answer it as a `failures` entry instead of an item. */
  failDescribe(arn: string, options: { times?: number; reason?: string } = {}): void {
    this.describeFailures.set(arn, { remaining: options.times ?? 1, reason: options.reason ?? "MISSING" });
  }

  /** The instance is gone (terminated and deregistered), and its tasks with it. */
  removeInstance(arn: string): void {
    const cluster = this.state;
    cluster.containerInstances = cluster.containerInstances.filter((i) => i.containerInstanceArn !== arn);
    cluster.tasks = cluster.tasks.filter((t) => t.containerInstanceArn !== arn);
  }

  serviceOf(name: string): Service {
    const service = this.state.services.find((s) => s.serviceName === name);
    if (!service) throw new Error(`fake: no service ${name}`);
    return service;
  }

  runningTasks(serviceName: string): Task[] {
    return this.state.tasks.filter((t) => t.group === `service:${serviceName}` && t.lastStatus === "RUNNING");
  }

  /**
   * One step of a service scheduler, for every service of every cluster: start tasks up to the
   * desired count on the instance with room in the zone, then of the instances, holding the fewest
   * of the service's tasks; stop tasks above it from the fullest zone and instance. Constraints
   * other than resources and ports are not modelled. Given `now`, the tasks it starts carry it as
   * their `createdAt` (a surge's completion tells the tasks it started by it).
   */
  advance(now?: Date): void {
    for (const cluster of this.clusters) {
      for (const service of cluster.services) {
        if (service.status !== "ACTIVE" || service.schedulingStrategy === "DAEMON") continue;
        const desired = service.desiredCount ?? 0;
        while (this.running(cluster, service).length > desired) if (!this.scaleIn(cluster, service)) break;
        while (this.running(cluster, service).length < desired) if (!this.place(cluster, service, now)) break;
      }
    }
  }

  // ---- EcsPort ----

  async listContainerInstances(cluster: string): Promise<string[]> {
    const state = this.enter("listContainerInstances", [cluster], cluster);
    return state.containerInstances.map((i) => i.containerInstanceArn!);
  }

  async listServices(cluster: string): Promise<string[]> {
    const state = this.enter("listServices", [cluster], cluster);
    return state.services.filter((s) => s.status !== "INACTIVE").map((s) => s.serviceArn!);
  }

  async listTasks(cluster: string): Promise<string[]> {
    const state = this.enter("listTasks", [cluster], cluster);
    return state.tasks.filter((t) => t.desiredStatus === "RUNNING").map((t) => t.taskArn!);
  }

  async describeContainerInstances(cluster: string, arns: string[]): Promise<Described<ContainerInstance>> {
    const state = this.enter("describeContainerInstances", [cluster, arns], cluster);
    checkBatch("containerInstances", arns, DESCRIBE_LIMITS.containerInstances);
    return this.describe(arns, (arn) => {
      const instance = state.containerInstances.find((i) => i.containerInstanceArn === arn);
      return instance && withRemainingResources(state, instance);
    });
  }

  async describeServices(cluster: string, arns: string[]): Promise<Described<Service>> {
    const state = this.enter("describeServices", [cluster, arns], cluster);
    checkBatch("services", arns, DESCRIBE_LIMITS.services);
    return this.describe(arns, (arn) => {
      const service = state.services.find((s) => s.serviceArn === arn || s.serviceName === arn);
      return service && withCounts(state, service);
    });
  }

  async describeTasks(cluster: string, arns: string[]): Promise<Described<Task>> {
    const state = this.enter("describeTasks", [cluster, arns], cluster);
    checkBatch("tasks", arns, DESCRIBE_LIMITS.tasks);
    return this.describe(arns, (arn) => state.tasks.find((t) => t.taskArn === arn));
  }

  async describeTaskDefinition(taskDefinitionArn: string): Promise<TaskDefinition> {
    this.enter("describeTaskDefinition", [taskDefinitionArn]);
    for (const cluster of this.clusters) {
      const definition = cluster.taskDefinitions.find((d) => d.taskDefinitionArn === taskDefinitionArn);
      if (definition) return structuredClone(definition);
    }
    throw ecsError("ClientException", "Unable to describe task definition.");
  }

  async listServiceDeployments(cluster: string, serviceArn: string, status: string[]): Promise<ServiceDeploymentBrief[]> {
    this.enter("listServiceDeployments", [cluster, serviceArn, status], cluster);
    return structuredClone(this.serviceDeployments.filter((d) => d.serviceArn === serviceArn && status.includes(d.status ?? "")));
  }

  async updateTaskProtection(cluster: string, taskArns: string[], protectionEnabled: boolean, expiresInMinutes?: number): Promise<void> {
    const state = this.enter("updateTaskProtection", [cluster, taskArns, protectionEnabled, expiresInMinutes], cluster);
    if (taskArns.length === 0 || taskArns.length > TASK_PROTECTION_BATCH)
      throw ecsError("InvalidParameterException", `tasks: 1 to 10, got ${taskArns.length}`);
    if (expiresInMinutes !== undefined && (expiresInMinutes < 1 || expiresInMinutes > 2880))
      throw ecsError("InvalidParameterException", "expiresInMinutes: 1 to 2880");
    for (const arn of taskArns) {
      if (!state.tasks.some((t) => t.taskArn === arn && t.desiredStatus === "RUNNING")) continue; // answered as a failure
      if (protectionEnabled) this.protectedTasks.add(arn);
      else this.protectedTasks.delete(arn);
    }
  }

  async updateServiceDesiredCount(
    cluster: string,
    serviceArn: string,
    desiredCount: number,
    placementConstraints?: PlacementConstraint[],
  ): Promise<void> {
    const args = placementConstraints ? [cluster, serviceArn, desiredCount, placementConstraints] : [cluster, serviceArn, desiredCount];
    const state = this.enter("updateServiceDesiredCount", args, cluster);
    const service = state.services.find((s) => s.serviceArn === serviceArn);
    if (!service) throw ecsError("ServiceNotFoundException", "Service not found.");
    service.desiredCount = desiredCount;
    for (const deployment of service.deployments ?? []) deployment.desiredCount = desiredCount;
    if (placementConstraints) service.placementConstraints = placementConstraints.map((c) => ({ ...c }));
  }

  async updateServicePlacementConstraints(cluster: string, serviceArn: string, placementConstraints: PlacementConstraint[]): Promise<void> {
    const state = this.enter("updateServicePlacementConstraints", [cluster, serviceArn, placementConstraints], cluster);
    const service = state.services.find((s) => s.serviceArn === serviceArn);
    if (!service) throw ecsError("ServiceNotFoundException", "Service not found.");
    service.placementConstraints = placementConstraints.map((c) => ({ ...c }));
  }

  async stopTask(cluster: string, taskArn: string, reason: string): Promise<void> {
    const state = this.enter("stopTask", [cluster, taskArn, reason], cluster);
    const task = state.tasks.find((t) => t.taskArn === taskArn);
    if (!task) throw ecsError("InvalidParameterException", "The referenced task was not found.");
    // ECS answers a StopTask on a stopped task with the task, and no error
    if (task.lastStatus === "STOPPED") return;
    task.lastStatus = "STOPPED";
    task.desiredStatus = "STOPPED";
    task.stoppedReason = reason;
  }

  async tagResource(resourceArn: string, tags: Tag[]): Promise<void> {
    this.enter("tagResource", [resourceArn, tags]);
    const service = this.serviceByArn(resourceArn);
    const kept = (service.tags ?? []).filter((t) => !tags.some((n) => n.key === t.key));
    service.tags = [...kept, ...tags.map((t) => ({ ...t }))];
  }

  async untagResource(resourceArn: string, tagKeys: string[]): Promise<void> {
    this.enter("untagResource", [resourceArn, tagKeys]);
    const service = this.serviceByArn(resourceArn);
    service.tags = (service.tags ?? []).filter((t) => !tagKeys.includes(t.key!));
  }

  // ---- internals ----

  /** Records the call, throws an injected fault, and finds the cluster (ClusterNotFoundException if unknown). */
  private enter(op: Operation, args: unknown[], cluster?: string): Snapshot {
    this.calls.push({ op, args: structuredClone(args) });
    const fault = this.faults.find((f) => f.op === op && f.remaining > 0 && f.when(args));
    if (fault) {
      fault.remaining -= 1;
      throw ecsError(fault.name, fault.message);
    }
    if (cluster === undefined) return this.state;
    const found = this.clusters.find((c) => c.clusterArn === cluster || c.clusterArn.endsWith(`:cluster/${cluster}`));
    if (!found) throw ecsError("ClusterNotFoundException", "Cluster not found.");
    return found;
  }

  private describe<T>(arns: string[], find: (arn: string) => T | undefined): Described<T> {
    const items: T[] = [];
    const failures: Failure[] = [];
    for (const arn of arns) {
      const injected = this.describeFailures.get(arn);
      if (injected && injected.remaining > 0) {
        injected.remaining -= 1;
        failures.push({ arn, reason: injected.reason });
        continue;
      }
      const item = find(arn);
      if (item) items.push(structuredClone(item));
      else failures.push({ arn, reason: "MISSING" });
    }
    return { items, failures };
  }

  private serviceByArn(arn: string): Service {
    for (const cluster of this.clusters) {
      const service = cluster.services.find((s) => s.serviceArn === arn);
      if (service) return service;
    }
    throw ecsError("ResourceNotFoundException", "The specified resource could not be found.");
  }

  private running(cluster: Snapshot, service: Service): Task[] {
    return cluster.tasks.filter((t) => t.group === `service:${service.serviceName}` && t.lastStatus === "RUNNING");
  }

  /** Stops one unprotected task, as ECS's scale-in does; false when every task is protected (ECS waits). */
  private scaleIn(cluster: Snapshot, service: Service): boolean {
    const tasks = this.running(cluster, service);
    const candidates = tasks.filter((t) => !this.protectedTasks.has(t.taskArn!));
    if (candidates.length === 0) return false;
    const zoneOf = (t: Task) => t.availabilityZone ?? "";
    const perZone = countBy(tasks, zoneOf);
    const perInstance = countBy(tasks, (t) => t.containerInstanceArn ?? "");
    const victim = [...candidates].sort(
      (a, b) =>
        perZone.get(zoneOf(b))! - perZone.get(zoneOf(a))! ||
        perInstance.get(b.containerInstanceArn ?? "")! - perInstance.get(a.containerInstanceArn ?? "")! ||
        compare(a.taskArn, b.taskArn),
    )[0];
    victim.lastStatus = "STOPPED";
    victim.desiredStatus = "STOPPED";
    victim.stoppedReason = "Scaling activity initiated by (deployment ecs-svc)";
    return true;
  }

  private place(cluster: Snapshot, service: Service, now?: Date): boolean {
    const definition = cluster.taskDefinitions.find((d) => d.taskDefinitionArn === service.taskDefinition);
    if (!definition) return false;
    const needs = needsOf(definition);
    const tasks = this.running(cluster, service);
    const candidates = cluster.containerInstances.filter(
      (i) => i.status === "ACTIVE" && i.agentConnected === true && fits(cluster, i, needs),
    );
    if (candidates.length === 0) return false;
    const zone = (i: ContainerInstance) => i.attributes?.find((a) => a.name === "ecs.availability-zone")?.value ?? "";
    const inZone = (z: string) => tasks.filter((t) => t.availabilityZone === z).length;
    const onInstance = (i: ContainerInstance) => tasks.filter((t) => t.containerInstanceArn === i.containerInstanceArn).length;
    const load = (i: ContainerInstance) => runningOn(cluster, i).length;
    const target = [...candidates].sort(
      (a, b) =>
        inZone(zone(a)) - inZone(zone(b)) ||
        onInstance(a) - onInstance(b) ||
        load(a) - load(b) ||
        compare(a.containerInstanceArn, b.containerInstanceArn),
    )[0];
    this.started += 1;
    cluster.tasks.push({
      taskArn: `${cluster.clusterArn.replace(":cluster/", ":task/")}/fake${String(this.started).padStart(28, "0")}`,
      clusterArn: cluster.clusterArn,
      containerInstanceArn: target.containerInstanceArn,
      availabilityZone: zone(target),
      group: `service:${service.serviceName}`,
      startedBy: `ecs-svc/${service.serviceName}`,
      taskDefinitionArn: definition.taskDefinitionArn,
      lastStatus: "RUNNING",
      desiredStatus: "RUNNING",
      launchType: "EC2",
      startedAt: new Date(Date.UTC(2026, 1, 1, 0, 0, this.started)),
      ...(now ? { createdAt: now } : {}),
    });
    return true;
  }
}

export function ecsError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function checkBatch(kind: string, arns: string[], limit: number): void {
  if (arns.length === 0) throw ecsError("InvalidParameterException", `${kind} cannot be empty.`);
  if (arns.length > limit) {
    throw ecsError("InvalidParameterException", `${kind} can have at most ${limit} items, got ${arns.length}.`);
  }
}

interface Needs {
  cpu: number;
  memory: number;
  ports: string[];
}

function needsOf(definition: TaskDefinition): Needs {
  const containers = definition.containerDefinitions ?? [];
  return {
    cpu: definition.cpu ? Number(definition.cpu) : containers.reduce((a, c) => a + (c.cpu ?? 0), 0),
    memory: definition.memory ? Number(definition.memory) : containers.reduce((a, c) => a + (c.memory ?? c.memoryReservation ?? 0), 0),
    ports: containers.flatMap((c) => (c.portMappings ?? []).filter((p) => p.hostPort).map((p) => String(p.hostPort))),
  };
}

function runningOn(cluster: Snapshot, instance: ContainerInstance): Task[] {
  return cluster.tasks.filter((t) => t.containerInstanceArn === instance.containerInstanceArn && t.lastStatus === "RUNNING");
}

function used(cluster: Snapshot, instance: ContainerInstance): Needs {
  const total: Needs = { cpu: 0, memory: 0, ports: [...AGENT_PORTS] };
  for (const task of runningOn(cluster, instance)) {
    const definition = cluster.taskDefinitions.find((d) => d.taskDefinitionArn === task.taskDefinitionArn);
    if (!definition) continue;
    const needs = needsOf(definition);
    total.cpu += needs.cpu;
    total.memory += needs.memory;
    total.ports.push(...needs.ports);
  }
  return total;
}

function registered(instance: ContainerInstance, name: string): number {
  return instance.registeredResources?.find((r) => r.name === name)?.integerValue ?? 0;
}

function fits(cluster: Snapshot, instance: ContainerInstance, needs: Needs): boolean {
  const taken = used(cluster, instance);
  return (
    taken.cpu + needs.cpu <= registered(instance, "CPU") &&
    taken.memory + needs.memory <= registered(instance, "MEMORY") &&
    !needs.ports.some((p) => taken.ports.includes(p))
  );
}

/** remainingResources as ECS reports them: registered minus what the running tasks reserve. */
function withRemainingResources(cluster: Snapshot, instance: ContainerInstance): ContainerInstance {
  const taken = used(cluster, instance);
  const remaining: Resource[] = [
    { name: "CPU", type: "INTEGER", integerValue: registered(instance, "CPU") - taken.cpu },
    { name: "MEMORY", type: "INTEGER", integerValue: registered(instance, "MEMORY") - taken.memory },
    { name: "PORTS", type: "STRINGSET", stringSetValue: taken.ports },
    { name: "PORTS_UDP", type: "STRINGSET", stringSetValue: [] },
  ];
  return {
    ...instance,
    remainingResources: remaining,
    runningTasksCount: runningOn(cluster, instance).length,
    pendingTasksCount: 0,
  };
}

/** runningCount as ECS reports it: the service's RUNNING tasks, on the service and its one deployment. */
function withCounts(cluster: Snapshot, service: Service): Service {
  const running = cluster.tasks.filter((t) => t.group === `service:${service.serviceName}` && t.lastStatus === "RUNNING").length;
  return {
    ...service,
    runningCount: running,
    deployments: (service.deployments ?? []).map((d) => ({ ...d, runningCount: running })),
  };
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function compare(a: string | undefined, b: string | undefined): number {
  return (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;
}
