import type { Service, Task } from "@aws-sdk/client-ecs";

/**
 * The one place the engine decides how far a service may be disturbed; the planner and the executor
 * both ask here. ECS keeps a service's healthy tasks at or above ceil(n x minimumHealthyPercent /
 * 100) and its running tasks at or below floor(n x maximumPercent / 100), n being the desired count
 * (for a surge, the count before it). ECS's defaults for REPLICA services are 100 and 200.
 */
export interface DeploymentBounds {
  /** Healthy tasks that may be stopped at once without a replacement running first. */
  stoppable: number;
  /** Tasks that may run above the desired count. */
  surgeable: number;
}

/**
 * Healthy as ECS counts toward minimum healthy: RUNNING, not asked to stop, and not reported
 * UNHEALTHY. A task with no container health check reports UNKNOWN, and ECS counts it once it runs
 * (developer guide, "Deployment configuration": a task without health checks counts as healthy
 * once RUNNING), so only UNHEALTHY is excluded.
 */
export function isHealthy(task: Task): boolean {
  return task.lastStatus === "RUNNING" && task.desiredStatus === "RUNNING" && task.healthStatus !== "UNHEALTHY";
}

export function maximumRunningCount(service: Service, n: number): number {
  return Math.floor((n * (service.deploymentConfiguration?.maximumPercent ?? 200)) / 100);
}

/**
 * The room the service leaves now: its healthy tasks above the floor of `n` (its desired count
 * unless a surge says otherwise), and the tasks it may run above `n`.
 */
export function deploymentBounds(service: Service, tasks: readonly Task[], n = service.desiredCount ?? 0): DeploymentBounds {
  let healthy = 0;
  for (const task of tasks) if (isHealthy(task)) healthy++;
  const minimumHealthy = Math.ceil((n * (service.deploymentConfiguration?.minimumHealthyPercent ?? 100)) / 100);
  return {
    stoppable: Math.max(0, healthy - minimumHealthy),
    surgeable: Math.max(0, maximumRunningCount(service, n) - n),
  };
}

/**
 * The tasks of a stop list that may go now: an UNHEALTHY (or not yet running) task serves nothing,
 * so stopping it costs no healthy count; a healthy one takes one unit of `stoppable`. Order is kept.
 */
export function stopsWithinFloor(toStop: readonly Task[], stoppable: number): Task[] {
  const allowed: Task[] = [];
  let left = stoppable;
  for (const task of toStop) {
    if (!isHealthy(task)) allowed.push(task);
    else if (left > 0) {
      allowed.push(task);
      left--;
    }
  }
  return allowed;
}
