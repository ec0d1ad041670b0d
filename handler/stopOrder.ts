import type { Task } from "@aws-sdk/client-ecs";
import { isHealthy } from "./deploymentBounds";
import { SkipReason } from "./eligibility";

/**
 * Which of an instance's tasks leaves first: an UNHEALTHY task before any healthy one. Stopping it
 * costs the service nothing toward minimum healthy (ECS does not count it), and ECS's replacement
 * may well come up healthy. Otherwise the order given (youngest first) is kept. Stable, and a copy
 * only when there is something to reorder, since most services have no unhealthy task.
 */
export function unhealthyFirst(tasks: Task[]): Task[] {
  if (tasks.every(isHealthy)) return tasks;
  return [...tasks.filter((t) => !isHealthy(t)), ...tasks.filter(isHealthy)];
}

/**
 * A service with UNHEALTHY tasks is moved only when every move stops one of them: stopping a healthy
 * task while others are unhealthy would lean on tasks ECS does not count, so the service is left
 * alone until ECS has replaced them.
 */
export function unhealthySkipReason(tasks: Task[], moves: Array<{ taskArn: string }>): SkipReason | undefined {
  const unhealthy = tasks.filter((t) => !isHealthy(t));
  if (unhealthy.length === 0) return undefined;
  const stoppable = new Set(unhealthy.map((t) => t.taskArn));
  if (moves.every((m) => stoppable.has(m.taskArn))) return undefined;
  return {
    code: "unhealthy-tasks",
    detail: `${unhealthy.length} of ${tasks.length} tasks are not healthy and a move would stop a healthy one`,
  };
}
