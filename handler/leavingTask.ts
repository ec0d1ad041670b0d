import type { Task } from "@aws-sdk/client-ecs";

/**
 * The one place that decides which of a service's tasks leaves an instance, for every pass (service
 * spread, cluster load, a surge's completion and rollback). Preference, first to last:
 *
 * 1. a task that is not RUNNING yet: it serves no traffic, so stopping it lowers nothing;
 * 2. an UNHEALTHY task: ECS does not count it toward minimum healthy, so stopping it costs the
 *    service nothing, and ECS's replacement may well come up healthy;
 * 3. the youngest task: it has warmed the least cache and held the fewest connections;
 * 4. the task ARN, so that a plan is the same on every run.
 */
export function tasksInLeavingOrder(tasks: readonly Task[]): Task[] {
  return [...tasks].sort(leavesFirst);
}

/** The first `count` tasks to leave, in leaving order (a surge's rollback gives these up). */
export function pickLeavingTasks(tasks: readonly Task[], count: number): Task[] {
  return tasksInLeavingOrder(tasks).slice(0, Math.max(0, count));
}

function leavesFirst(a: Task, b: Task): number {
  const notRunning = Number(b.lastStatus !== "RUNNING") - Number(a.lastStatus !== "RUNNING");
  if (notRunning !== 0) return notRunning;
  const unhealthy = Number(b.healthStatus === "UNHEALTHY") - Number(a.healthStatus === "UNHEALTHY");
  if (unhealthy !== 0) return unhealthy;
  const started = time(b.startedAt) - time(a.startedAt);
  if (started !== 0) return started;
  return (a.taskArn ?? "") < (b.taskArn ?? "") ? -1 : (a.taskArn ?? "") > (b.taskArn ?? "") ? 1 : 0;
}

function time(value: Date | string | undefined): number {
  if (!value) return 0;
  return value instanceof Date ? value.getTime() : Date.parse(value);
}
