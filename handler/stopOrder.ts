// Which task leaves an instance first (UNHEALTHY before healthy) is decided in leavingTask.ts, for
// every pass; this module keeps the rule on when a service with unhealthy tasks may be moved at all.
import type { Task } from "@aws-sdk/client-ecs";
import { isHealthy } from "./deploymentBounds";
import { SkipReason } from "./eligibility";

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
