/**
 * ECS's API throttling: token buckets per account and Region, shared by every caller there (deploy
 * pipelines included), refilled in virtual time. Burst / refill per second, as ECS documents them:
 * UpdateService 50 / 5, TagResource and UntagResource 20 / 10, StopTask 100 / 40, Describe* and
 * List* 100 / 20 (one bucket here, a simplification). An empty bucket answers ThrottlingException.
 * `foreignUpdateServicePerSecond` is another caller (a deploy pipeline) steadily taking
 * UpdateService tokens. Other operations are not bucketed.
 */
import type { EcsState } from "./state";

interface Bucket {
  burst: number;
  refillPerSecond: number;
}

const BUCKETS: Record<string, Bucket> = {
  UpdateService: { burst: 50, refillPerSecond: 5 },
  Tag: { burst: 20, refillPerSecond: 10 },
  StopTask: { burst: 100, refillPerSecond: 40 },
  Read: { burst: 100, refillPerSecond: 20 },
};

function bucketOf(operation: string): string | undefined {
  if (operation === "UpdateService" || operation === "StopTask") return operation;
  if (operation === "TagResource" || operation === "UntagResource") return "Tag";
  if (operation.startsWith("List") || operation.startsWith("Describe")) return "Read";
  return undefined;
}

export class TokenBuckets {
  private readonly levels = new Map<string, number>();
  private lastMs?: number;

  /** Takes one token for the operation; false when its bucket is empty (the caller is throttled). */
  take(state: EcsState, operation: string): boolean {
    this.refill(state);
    const name = bucketOf(operation);
    if (!name) return true;
    const level = this.levels.get(name) ?? BUCKETS[name].burst;
    if (level < 1) return false;
    this.levels.set(name, level - 1);
    return true;
  }

  private refill(state: EcsState): void {
    const now = state.nowMs;
    const seconds = this.lastMs === undefined ? 0 : (now - this.lastMs) / 1000;
    this.lastMs = now;
    if (seconds <= 0) return;
    for (const [name, bucket] of Object.entries(BUCKETS)) {
      let level = (this.levels.get(name) ?? bucket.burst) + seconds * bucket.refillPerSecond;
      if (name === "UpdateService") level -= seconds * state.faults.foreignUpdateServicePerSecond;
      this.levels.set(name, Math.max(0, Math.min(bucket.burst, level)));
    }
  }
}
