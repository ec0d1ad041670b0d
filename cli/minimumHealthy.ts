/**
 * The minimum healthy count, as the simulation runner and the soak judge it: ceil(n ×
 * minimumHealthyPercent / 100) RUNNING tasks, where n is the desired count ECS is working towards.
 * Pure: the runner and the soak feed it the simulator's own records, the spec feeds it tables.
 *
 * The surge tag is parsed here, not with the engine's parser: a check that shared the engine's code
 * could not catch the engine's mistakes. Its proof is checked here too: a forged or copied tag must
 * not lower the floor the engine is judged against.
 */
import { createHash } from "crypto";

/**
 * The tag the engine writes while a surge is in flight (handler/surgeTag.ts):
 * `from=N to=M at=ISO [give=ID+ID] [pin=EC2-ID] proof=HEX`, the proof being the first 16 hex digits of SHA-256
 * over "<service ARN>\n<createdAt in epoch ms>\nfrom=N to=M at=ISO[ give=ID+ID][ pin=EC2-ID]".
 */
export const SURGE_TAG = "ecs-rebalancer:surge";

/** A task as the simulator holds it; the fields are named as the ECS API names them. */
export interface TaskStatus {
  arn: string;
  lastStatus: string;
  desiredStatus: string;
  /** As DescribeTasks reports it; UNHEALTHY tasks do not count toward minimum healthy. */
  healthStatus?: string;
}

export interface Tag {
  key?: string;
  value?: string;
}

/** A service at one moment: its tasks not yet STOPPED, its desired count, its deployment configuration and tags. */
export interface ServiceState {
  tasks: Iterable<TaskStatus>;
  desiredCount: number;
  /** Undefined means ECS's REPLICA default, 100. */
  minimumHealthyPercent: number | undefined;
  tags: Tag[];
  /** What a surge tag's proof binds to: the service ARN and creation time (epoch ms). */
  identity: ServiceIdentity;
}

export interface ServiceIdentity {
  arn: string;
  createdAtMs: number;
}

export interface FloorVerdict {
  /** RUNNING tasks once the write has taken effect (worst case for a lowered desired count). */
  runningAfter: number;
  floor: number;
  /** The count the floor is a percentage of: the surge's `from`, or else the desired count. */
  n: number;
  isBelowFloor: boolean;
}

/**
 * Healthy as ECS counts toward minimum healthy: lastStatus RUNNING, not asked to stop, and not
 * reported UNHEALTHY (UNKNOWN, a task without health checks, counts once RUNNING). A task whose stop
 * has begun serves no new traffic and is about to go, whatever its lastStatus still says.
 */
export function isHealthy(task: TaskStatus): boolean {
  return task.lastStatus === "RUNNING" && task.desiredStatus === "RUNNING" && task.healthStatus !== "UNHEALTHY";
}

export function healthyCount(tasks: Iterable<TaskStatus>): number {
  let count = 0;
  for (const task of tasks) if (isHealthy(task)) count++;
  return count;
}

/**
 * The surge's `{ from, to }` when the tag can be read (to > from, `at` a date) and its proof matches
 * this service, else undefined. Same rule as the engine's reader, written again on purpose (see the header).
 */
export function readSurgeTag(tags: Tag[], identity: ServiceIdentity): { from: number; to: number } | undefined {
  const value = tags.find((t) => t.key === SURGE_TAG)?.value;
  // the optional ` give=ID+ID` (the tasks the surge's moves take away) belongs to the proven fields
  const match = value === undefined ? null : /^(from=(\d+) to=(\d+) at=(\S+)(?: give=\S+)?(?: pin=\S+)?) proof=(\S+)$/.exec(value);
  if (!match || Number.isNaN(new Date(match[4]).getTime())) return undefined;
  const expected = createHash("sha256").update(`${identity.arn}\n${identity.createdAtMs}\n${match[1]}`).digest("hex").slice(0, 16);
  if (match[5] !== expected) return undefined;
  const from = Number(match[2]);
  const to = Number(match[3]);
  return to > from ? { from, to } : undefined;
}

/**
 * The count the floor is relative to. During a surge the desired count is raised only so that the
 * extra task can start before one stops: the service's real size is the tag's `from`. Once the desired
 * count is no longer the tag's `to` (before the raise, after the restore, or changed by someone else),
 * the tag no longer describes it and ECS's own desired count is the reference.
 */
export function minimumHealthyBase(desiredCount: number, tags: Tag[], identity: ServiceIdentity): number {
  const surge = readSurgeTag(tags, identity);
  return surge !== undefined && desiredCount === surge.to ? surge.from : desiredCount;
}

export function minimumHealthyCount(n: number, minimumHealthyPercent: number | undefined): number {
  return Math.ceil((n * (minimumHealthyPercent ?? 100)) / 100);
}

/** The floor of a service as it is now, and how many of its tasks are healthy. */
export function floorNow(service: ServiceState): { running: number; floor: number; n: number } {
  const n = minimumHealthyBase(service.desiredCount, service.tags, service.identity);
  return { running: healthyCount(service.tasks), floor: minimumHealthyCount(n, service.minimumHealthyPercent), n };
}

/**
 * StopTask on `stopped`: the service's healthy tasks once this stop has taken effect (the stopped
 * task and those already stopping excluded), against the floor. Stopping a healthy task to below the floor is a violation of
 * the promise that a rebalance never takes a service below its minimum healthy count. StopTask itself
 * is not bounded by minimumHealthyPercent in ECS: keeping the floor is entirely the caller's job.
 */
export function stopBelowMinimumHealthy(service: ServiceState, stopped: TaskStatus): FloorVerdict {
  const { floor, n } = floorNow(service);
  const runningAfter = healthyCount([...service.tasks].filter((t) => t.arn !== stopped.arn));
  // a task that is not healthy (UNHEALTHY, pending, already stopping) costs no healthy count
  return { runningAfter, floor, n, isBelowFloor: isHealthy(stopped) && runningAfter < floor };
}

/**
 * UpdateService lowering the desired count to `desiredCount`: ECS scales in the surplus of the tasks
 * it is keeping up, and nothing makes it pick the ones not yet RUNNING first (the simulator picks by
 * the placement strategy, then at random). So the RUNNING tasks left are, at worst, the healthy ones
 * minus the surplus. When every task is healthy (a surge completed on a steady service) that is the
 * new desired count, above its floor by construction; a surge rolled back while tasks are still
 * pending can go below it.
 */
export function desiredCountLoweredBelowMinimumHealthy(service: ServiceState, desiredCount: number): FloorVerdict {
  const kept = [...service.tasks].filter((t) => t.desiredStatus === "RUNNING");
  const healthy = healthyCount(kept);
  const surplus = Math.max(0, kept.length - desiredCount);
  const runningAfter = healthy - Math.min(surplus, healthy);
  const floor = minimumHealthyCount(desiredCount, service.minimumHealthyPercent);
  return { runningAfter, floor, n: desiredCount, isBelowFloor: runningAfter < floor };
}
