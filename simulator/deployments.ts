/**
 * Service deployments. A new task definition or forceNewDeployment makes a new PRIMARY
 * deployment; the previous ones become ACTIVE until their tasks are gone. rolloutState goes
 * IN_PROGRESS → COMPLETED when the primary runs desiredCount tasks and nothing else is left, or
 * FAILED when the circuit breaker is on and tasks have kept failing to be placed.
 */
import type { EcsState } from "./state";
import type { SimDeployment, SimService } from "./model";
import { countTasks } from "./shapes";

/** How long placement must keep failing before the circuit breaker marks the rollout FAILED. */
export const CIRCUIT_BREAKER_MS = 10 * 60 * 1000;

export function startDeployment(state: EcsState, service: SimService, taskDefinitionArn: string): SimDeployment {
  const deployment: SimDeployment = {
    id: `ecs-svc/${deploymentNumber(state)}`,
    taskDefinitionArn,
    status: "PRIMARY",
    rolloutState: "IN_PROGRESS",
    rolloutStateReason: "ECS deployment in progress.",
    createdAtMs: state.nowMs,
    updatedAtMs: state.nowMs,
    failedTasks: 0,
  };
  for (const previous of service.deployments) {
    previous.status = "ACTIVE";
    previous.updatedAtMs = state.nowMs;
  }
  service.deployments.unshift(deployment);
  service.taskDefinitionArn = taskDefinitionArn;
  return deployment;
}

function deploymentNumber(state: EcsState): string {
  let digits = String(1 + state.random.int(9));
  for (let i = 0; i < 18; i++) digits += String(state.random.int(10));
  return digits;
}

/** Drops deployments whose tasks are all gone and completes the primary once it is done. */
export function updateRollout(state: EcsState, service: SimService): void {
  const primary = service.deployments[0];
  const liveDeployments = new Set<string | undefined>();
  for (const task of service.tasks) liveDeployments.add(task.deploymentId);
  service.deployments = service.deployments.filter((d) => d === primary || liveDeployments.has(d.id));
  if (primary.rolloutState !== "IN_PROGRESS" || service.deployments.length > 1) return;
  const counts = countTasks(service.tasks, primary.id);
  if (counts.running === service.desiredCount && counts.pending === 0) {
    primary.rolloutState = "COMPLETED";
    primary.rolloutStateReason = "ECS deployment ecs-svc completed.";
    primary.updatedAtMs = state.nowMs;
  }
}

/** Placement for the primary deployment failed (or succeeded) this tick. */
export function recordPlacementOutcome(state: EcsState, service: SimService, placed: boolean): void {
  const primary = service.deployments[0];
  if (placed) {
    primary.placementFailingSinceMs = undefined;
    return;
  }
  primary.placementFailingSinceMs ??= state.nowMs;
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  const failingFor = state.nowMs - primary.placementFailingSinceMs;
  if (breaker?.enable && primary.rolloutState === "IN_PROGRESS" && failingFor >= CIRCUIT_BREAKER_MS) {
    primary.rolloutState = "FAILED";
    primary.rolloutStateReason = "ECS deployment circuit breaker: tasks failed to start.";
    primary.updatedAtMs = state.nowMs;
  }
}

/** ECS's definition of steady: one deployment, runningCount == desiredCount, pendingCount 0. */
export function isServiceSteady(service: SimService): boolean {
  if (service.status !== "ACTIVE") return service.tasks.size === 0;
  const counts = countTasks(service.tasks);
  return service.deployments.length === 1 && counts.running === service.desiredCount && counts.pending === 0;
}

/** Adds a service event, newest first, at most one identical message per minute (ECS throttles repeats). */
export function addServiceEvent(state: EcsState, service: SimService, message: string): void {
  const latest = service.events.find((e) => e.message === message);
  if (latest && state.nowMs - latest.createdAtMs < 60_000) return;
  service.events.unshift({ id: state.random.uuid(), createdAtMs: state.nowMs, message });
  if (service.events.length > 100) service.events.length = 100;
}

export function unplaceableMessage(service: SimService): string {
  return `(service ${service.name}) was unable to place a task because no container instance met all of its requirements.`;
}
