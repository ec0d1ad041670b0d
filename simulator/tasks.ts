/**
 * Task lifecycle: PROVISIONING → PENDING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING →
 * STOPPED. Resources are held on the container instance from PROVISIONING until STOPPED.
 * A running task's stop takes `taskStopSeconds`: the target group's deregistration delay
 * (DEACTIVATING) and then SIGTERM with up to `stopTimeout` before SIGKILL (STOPPING).
 */
import type { EcsState } from "./state";
import { STOPPED_RETENTION_MS } from "./state";
import type {
  SimCluster,
  SimContainerInstance,
  SimNetworkBinding,
  SimService,
  SimTask,
  SimTaskDefinition,
  StopCode,
  TaskStatus,
} from "./model";
import { allocateEphemeralPort, releaseResources, reserveResources, touchInstance } from "./containerInstances";
import { taskDetail } from "./eventDetails";
import { envelope } from "./events";
import { markSchedulerChange } from "./scheduler";

export interface TaskRequirements {
  cpu: number;
  memory: number;
  /** Fixed host ports (hostPort > 0); each must be free on the instance. */
  fixedPorts: number[];
}

/** Task-level cpu/memory win; otherwise the sum over containers (what ECS reserves on EC2). */
export function requirementsOf(definition: SimTaskDefinition): TaskRequirements {
  const sum = (pick: (c: SimTaskDefinition["containerDefinitions"][number]) => number) =>
    definition.containerDefinitions.reduce((total, c) => total + pick(c), 0);
  const fixedPorts = definition.containerDefinitions.flatMap((c) => c.portMappings.filter((p) => p.hostPort > 0).map((p) => p.hostPort));
  return {
    cpu: definition.cpu !== undefined ? Number(definition.cpu) : sum((c) => c.cpu),
    memory: definition.memory !== undefined ? Number(definition.memory) : sum((c) => c.memory),
    fixedPorts,
  };
}

export interface LaunchRequest {
  cluster: SimCluster;
  definition: SimTaskDefinition;
  instance: SimContainerInstance;
  service?: SimService;
  deploymentId?: string;
}

export function launchTask(state: EcsState, request: LaunchRequest): SimTask {
  const { cluster, definition, instance, service } = request;
  const requirements = requirementsOf(definition);
  const id = state.random.hex(32);
  const now = state.nowMs;
  const task: SimTask = {
    arn: state.arn(`task/${cluster.name}/${id}`),
    id,
    clusterName: cluster.name,
    serviceName: service?.name,
    deploymentId: request.deploymentId,
    group: service ? `service:${service.name}` : `family:${definition.family}`,
    startedBy: request.deploymentId,
    taskDefinitionArn: definition.arn,
    containerInstance: instance,
    cpu: requirements.cpu,
    memory: requirements.memory,
    bindings: bindPorts(definition, instance),
    lastStatus: "PROVISIONING",
    desiredStatus: "RUNNING",
    phaseStartMs: now,
    createdAtMs: now,
    version: 1,
    healthStatus: "UNKNOWN",
    tags: service?.propagateTags === "SERVICE" ? [...(state.tags.get(service.arn) ?? [])] : [],
    wasRunning: false,
  };
  reserveResources(instance, task);
  cluster.tasks.set(task.arn, task);
  service?.tasks.add(task);
  state.transitioning.add(task);
  state.metrics.tasksStarted++;
  publishTaskChange(state, task);
  touchInstance(state, instance);
  return task;
}

function bindPorts(definition: SimTaskDefinition, instance: SimContainerInstance): SimNetworkBinding[] {
  const taken = new Set<number>();
  const bindings: SimNetworkBinding[] = [];
  for (const container of definition.containerDefinitions) {
    for (const mapping of container.portMappings) {
      const hostPort = mapping.hostPort > 0 ? mapping.hostPort : allocateEphemeralPort(instance, taken);
      if (hostPort === undefined) throw new Error(`no free ephemeral port on ${instance.arn}`);
      taken.add(hostPort);
      bindings.push({ containerName: container.name, containerPort: mapping.containerPort, hostPort, protocol: mapping.protocol });
    }
  }
  return bindings;
}

/** Sets desiredStatus STOPPED; the lifecycle then walks the task down to STOPPED. */
export function requestStop(state: EcsState, task: SimTask, reason: string, stopCode: StopCode): void {
  if (task.desiredStatus === "STOPPED") return;
  task.desiredStatus = "STOPPED";
  task.stoppedReason = reason;
  task.stopCode = stopCode;
  task.wasRunning = task.lastStatus === "RUNNING";
  task.phaseStartMs = state.nowMs;
  task.stoppingAtMs = state.nowMs;
  state.transitioning.add(task);
  setStatus(state, task, task.wasRunning ? "DEACTIVATING" : "DEPROVISIONING");
}

/** The host vanished: its tasks are STOPPED at once, with no graceful shutdown. */
export function stopImmediately(state: EcsState, task: SimTask, reason: string, stopCode: StopCode): void {
  if (task.lastStatus === "STOPPED") return;
  if (task.desiredStatus !== "STOPPED") {
    task.desiredStatus = "STOPPED";
    task.stoppedReason = reason;
    task.stopCode = stopCode;
    task.stoppingAtMs = state.nowMs;
  }
  finishStop(state, task);
}

/** Advances every task in transition to the status its schedule says it has reached. */
export function tickTasks(state: EcsState): void {
  for (const task of [...state.transitioning]) {
    const next = scheduledStatus(state, task);
    if (next === task.lastStatus) continue;
    if (next === "STOPPED") finishStop(state, task);
    else setStatus(state, task, next);
    if (next === "RUNNING") state.transitioning.delete(task);
  }
  purgeStoppedTasks(state);
}

function scheduledStatus(state: EcsState, task: SimTask): TaskStatus {
  const elapsed = (state.nowMs - task.phaseStartMs) / 1000;
  if (task.desiredStatus === "RUNNING") {
    const start = state.timing.taskStartSeconds;
    if (elapsed >= start) return "RUNNING";
    return elapsed >= start * 0.4 ? "PENDING" : "PROVISIONING";
  }
  if (!task.wasRunning) return elapsed >= 1 ? "STOPPED" : "DEPROVISIONING";
  const stop = state.timing.taskStopSeconds;
  if (elapsed >= stop) return "STOPPED";
  if (elapsed >= stop * 0.9) return "DEPROVISIONING";
  return elapsed >= stop * 0.7 ? "STOPPING" : "DEACTIVATING";
}

function setStatus(state: EcsState, task: SimTask, status: TaskStatus): void {
  task.lastStatus = status;
  task.version++;
  if (status === "PENDING") task.pullStartedAtMs = state.nowMs;
  if (status === "RUNNING") task.startedAtMs = state.nowMs;
  publishTaskChange(state, task);
}

function finishStop(state: EcsState, task: SimTask): void {
  state.transitioning.delete(task);
  setStatus(state, task, "STOPPED");
  task.stoppedAtMs = state.nowMs;
  releaseResources(task.containerInstance, task);
  state.clusters
    .get(task.clusterName)
    ?.services.get(task.serviceName ?? "")
    ?.tasks.delete(task);
  state.stoppedTasks.push(task);
  if (task.containerInstance.status !== "INACTIVE") touchInstance(state, task.containerInstance);
}

/** ECS keeps STOPPED tasks describable for about an hour. */
function purgeStoppedTasks(state: EcsState): void {
  let drop = 0;
  while (drop < state.stoppedTasks.length && state.nowMs - (state.stoppedTasks[drop].stoppedAtMs ?? 0) >= STOPPED_RETENTION_MS) {
    const task = state.stoppedTasks[drop++];
    state.clusters.get(task.clusterName)?.tasks.delete(task.arn);
  }
  if (drop > 0) state.stoppedTasks.splice(0, drop);
}

function publishTaskChange(state: EcsState, task: SimTask): void {
  state.events.publish(envelope(state, "ECS Task State Change", task.arn, taskDetail(state, task)));
}

/**
 * StopTask: not bounded by minimumHealthyPercent; the service scheduler replaces the task.
 * A task already stopping or STOPPED is returned unchanged.
 */
export function stopTaskByUser(state: EcsState, task: SimTask, reason: string): void {
  state.metrics.stopTaskCalls++;
  if (task.desiredStatus !== "RUNNING") return;
  if (task.lastStatus === "RUNNING") state.metrics.tasksStoppedByStopTask++;
  requestStop(state, task, reason, "UserInitiated");
  const service = state.clusters.get(task.clusterName)?.services.get(task.serviceName ?? "");
  if (service) markSchedulerChange(state, service);
}
