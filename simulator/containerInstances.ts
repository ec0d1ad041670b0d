/**
 * Container instance lifecycle. ECS bumps an instance's `version` on every change (status,
 * agent connection, each task placed or stopped since remaining resources change) and emits an
 * "ECS Container Instance State Change" event carrying the new state.
 */
import type { EcsState } from "./state";
import type { SimCluster, SimContainerInstance, SimTask } from "./model";
import { containerInstanceDetail } from "./eventDetails";
import { envelope } from "./events";

/** Ports the ECS agent reserves on every instance. */
export const AGENT_RESERVED_PORTS = [22, 2375, 2376, 51678, 51679];

export interface InstanceShape {
  zone: string;
  cpu: number;
  memory: number;
  instanceType: string;
  ec2InstanceId?: string;
  capacityProviderName?: string;
  attributes?: Record<string, string>;
}

export function registerContainerInstance(state: EcsState, cluster: SimCluster, shape: InstanceShape): SimContainerInstance {
  const id = state.random.hex(32);
  const now = state.nowMs;
  const instance: SimContainerInstance = {
    arn: state.arn(`container-instance/${cluster.name}/${id}`),
    id,
    clusterName: cluster.name,
    ec2InstanceId: shape.ec2InstanceId ?? `i-${state.random.hex(17)}`,
    attributes: {
      "ecs.availability-zone": shape.zone,
      "ecs.instance-type": shape.instanceType,
      "ecs.os-type": "linux",
      "ecs.cpu-architecture": "x86_64",
      "ecs.ami-id": "ami-0123456789abcdef0",
      ...shape.attributes,
    },
    registeredCpu: shape.cpu,
    registeredMemory: shape.memory,
    reservedPorts: [...AGENT_RESERVED_PORTS],
    remainingCpu: shape.cpu,
    remainingMemory: shape.memory,
    usedPorts: new Set(),
    status: "ACTIVE",
    agentConnected: true,
    version: 1,
    registeredAtMs: now,
    updatedAtMs: now,
    capacityProviderName: shape.capacityProviderName,
    tasks: new Set(),
  };
  cluster.instances.set(instance.arn, instance);
  publishInstanceChange(state, instance);
  return instance;
}

/** Records a change: new version, new updatedAt, and an event. */
export function touchInstance(state: EcsState, instance: SimContainerInstance): void {
  instance.version++;
  instance.updatedAtMs = state.nowMs;
  publishInstanceChange(state, instance);
}

function publishInstanceChange(state: EcsState, instance: SimContainerInstance): void {
  state.events.publish(envelope(state, "ECS Container Instance State Change", instance.arn, containerInstanceDetail(state, instance)));
}

export function setInstanceStatus(state: EcsState, instance: SimContainerInstance, status: "ACTIVE" | "DRAINING"): void {
  if (instance.status === "INACTIVE") throw new Error(`container instance ${instance.arn} is deregistered`);
  if (instance.status === status) return;
  instance.status = status;
  touchInstance(state, instance);
}

export function setAgentConnected(state: EcsState, instance: SimContainerInstance, connected: boolean): void {
  if (instance.agentConnected === connected) return;
  instance.agentConnected = connected;
  touchInstance(state, instance);
}

/** Whether the service scheduler may place tasks here: ACTIVE with a connected agent. */
export function isPlaceable(instance: SimContainerInstance): boolean {
  return instance.status === "ACTIVE" && instance.agentConnected;
}

export function reserveResources(instance: SimContainerInstance, task: SimTask): void {
  instance.remainingCpu -= task.cpu;
  instance.remainingMemory -= task.memory;
  for (const binding of task.bindings) instance.usedPorts.add(binding.hostPort);
  instance.tasks.add(task);
}

export function releaseResources(instance: SimContainerInstance, task: SimTask): void {
  if (!instance.tasks.delete(task)) return;
  instance.remainingCpu += task.cpu;
  instance.remainingMemory += task.memory;
  for (const binding of task.bindings) instance.usedPorts.delete(binding.hostPort);
}

/** Deregistration: the instance goes INACTIVE and stays describable but is no longer listed. */
export function markDeregistered(state: EcsState, instance: SimContainerInstance): void {
  instance.status = "INACTIVE";
  instance.agentConnected = false;
  touchInstance(state, instance);
}

/** Lowest free host port in the ephemeral range ECS uses for hostPort 0 (32768-60999). */
export function allocateEphemeralPort(instance: SimContainerInstance, taken: Set<number>): number | undefined {
  for (let port = 32768; port <= 60999; port++) {
    if (!instance.usedPorts.has(port) && !taken.has(port)) return port;
  }
  return undefined;
}
