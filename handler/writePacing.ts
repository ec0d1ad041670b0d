import { EcsPort } from "./ecsPort";

/**
 * ECS's write buckets are per account and Region, shared with every deploy pipeline there:
 * UpdateService 50 burst / 5 per second, TagResource and UntagResource 20 / 10, StopTask 100 / 40.
 * A rebalancer that spent them would make someone's deployment fail with ThrottlingException, so
 * each kind of write is paced well below its refill rate (at most `rates[kind]` per second), and a
 * throttled write is retried with exponential backoff. Writes that would start after the deadline
 * (the Lambda's remaining time, less a reserve) are not started: the wave stops cleanly and a later
 * run, which re-plans from what ECS then shows, carries on.
 */
export interface WriteRates {
  updateService: number;
  tagResource: number;
  stopTask: number;
  updateTaskProtection: number;
}

export const DEFAULT_WRITE_RATES: WriteRates = { updateService: 1, tagResource: 2, stopTask: 10, updateTaskProtection: 5 };

export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: PacingClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/** The name of the error thrown instead of starting a write the remaining time does not allow; the executor stops the wave. */
export const WAVE_DEADLINE = "WaveDeadline";

export class WaveDeadline extends Error {
  constructor(message: string) {
    super(message);
    this.name = WAVE_DEADLINE;
  }
}

export interface PacingOptions {
  rates: WriteRates;
  clock: PacingClock;
  /** Milliseconds left before the function is stopped; undefined: no deadline (the CLI). */
  remainingMs?: () => number;
  /** Time kept in reserve for the writes in flight to finish and the report to be logged. */
  reserveMs?: number;
  /** Retries of a throttled write (the SDK's own retries come first); backoff doubles from baseBackoffMs. */
  retries?: number;
  baseBackoffMs?: number;
}

type WriteKind = keyof WriteRates;
const KIND_OF: Record<string, WriteKind> = {
  updateServiceDesiredCount: "updateService",
  updateServicePlacementConstraints: "updateService",
  tagResource: "tagResource",
  untagResource: "tagResource",
  stopTask: "stopTask",
  updateTaskProtection: "updateTaskProtection",
};

/** The port with every write paced, retried on throttling and refused past the deadline; reads pass through. */
export function pacedPort(ecs: EcsPort, options: PacingOptions): EcsPort {
  const nextAt: Record<WriteKind, number> = { updateService: 0, tagResource: 0, stopTask: 0, updateTaskProtection: 0 };
  const writes: Record<string, (...args: unknown[]) => Promise<void>> = {};
  for (const [operation, kind] of Object.entries(KIND_OF) as Array<[keyof EcsPort, WriteKind]>) {
    const write = ecs[operation] as (...args: unknown[]) => Promise<void>;
    writes[operation] = async (...args: unknown[]) => {
      for (let attempt = 0; ; attempt++) {
        await waitForSlot(kind, nextAt, options);
        try {
          return await write.apply(ecs, args);
        } catch (error) {
          if ((error as Error).name !== "ThrottlingException" || attempt >= (options.retries ?? 3)) throw error;
          await pause((options.baseBackoffMs ?? 500) * 2 ** attempt, options);
        }
      }
    };
  }
  // reads go straight to the port (a class instance's methods live on its prototype: delegate, not copy)
  return new Proxy(ecs, {
    get: (target, property, receiver) => {
      if (typeof property === "string" && property in writes) return writes[property];
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function waitForSlot(kind: WriteKind, nextAt: Record<WriteKind, number>, options: PacingOptions): Promise<void> {
  const interval = 1000 / options.rates[kind];
  const wait = Math.max(0, nextAt[kind] - options.clock.now());
  await pause(wait, options);
  nextAt[kind] = options.clock.now() + interval;
}

/** Sleeps, unless sleeping would run into the reserve: then the write is never started. */
async function pause(ms: number, options: PacingOptions): Promise<void> {
  const remaining = options.remainingMs?.();
  if (remaining !== undefined && remaining - ms < (options.reserveMs ?? 5000)) {
    throw new WaveDeadline(`${Math.round(remaining)} ms left: no write started within the last ${options.reserveMs ?? 5000} ms`);
  }
  if (ms > 0) await options.clock.sleep(ms);
}
