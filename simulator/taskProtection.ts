/**
 * Task scale-in protection (UpdateTaskProtection, GetTaskProtection). A protected task is not
 * stopped by a service scale-in nor by a deployment; StopTask still stops it. Protection lasts
 * `expiresInMinutes` (1 to 2,880, default 120) and then lapses by itself.
 */
import type { EcsState } from "./state";
import type { SimCluster, SimTask } from "./model";
import { invalidParameter } from "./errors";
import { epochSeconds } from "./shapes";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEFAULT_MINUTES = 120;

export function isProtected(state: EcsState, task: SimTask): boolean {
  return task.protectedUntilMs !== undefined && task.protectedUntilMs > state.nowMs;
}

export function updateTaskProtection(state: EcsState, cluster: SimCluster, input: Json): Json {
  const refs = input.tasks;
  if (!Array.isArray(refs) || refs.length === 0 || refs.length > 10) throw invalidParameter("tasks must list 1 to 10 tasks.");
  if (typeof input.protectionEnabled !== "boolean") throw invalidParameter("protectionEnabled is required.");
  const minutes = input.expiresInMinutes ?? DEFAULT_MINUTES;
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 2880) throw invalidParameter("expiresInMinutes must be from 1 to 2880.");
  const protectedTasks: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs as string[]) {
    const task = state.task(cluster, ref);
    // only a task the service scheduler still wants running can be protected
    if (!task || task.desiredStatus !== "RUNNING" || !task.serviceName) {
      failures.push({ arn: task?.arn ?? ref, reason: "MISSING" });
      continue;
    }
    task.protectedUntilMs = input.protectionEnabled ? state.nowMs + minutes * 60_000 : undefined;
    protectedTasks.push(protectionShape(state, task));
  }
  return { protectedTasks, failures };
}

export function getTaskProtection(state: EcsState, cluster: SimCluster, input: Json): Json {
  const refs: string[] = input.tasks ?? [];
  if (refs.length > 100) throw invalidParameter("tasks can list at most 100 tasks.");
  const protectedTasks: Json[] = [];
  const failures: Json[] = [];
  for (const ref of refs) {
    const task = state.task(cluster, ref);
    if (!task || task.desiredStatus !== "RUNNING") failures.push({ arn: task?.arn ?? ref, reason: "MISSING" });
    else protectedTasks.push(protectionShape(state, task));
  }
  return { protectedTasks, failures };
}

function protectionShape(state: EcsState, task: SimTask): Json {
  const on = isProtected(state, task);
  return { taskArn: task.arn, protectionEnabled: on, ...(on ? { expirationDate: epochSeconds(task.protectedUntilMs!) } : {}) };
}
