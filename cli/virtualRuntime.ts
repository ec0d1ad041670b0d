import type { EcsSimulator } from "../simulator";

/**
 * What the Lambda's own code sees of time, in simulation: `Date`, `setTimeout` and `clearTimeout`
 * on the simulator's virtual clock, and a context whose remaining time counts down with it.
 *
 * The deployed code sleeps in three places: write pacing (one UpdateService per second by default),
 * its retries of throttled calls, and the SDK's retries, which wait on the same clock
 * (sdkEcsPort.ts). On the real clock a simulated run would spend those seconds for real while ECS
 * stood still; on this one ECS's scheduler runs through them, as it does while a real function
 * waits, and they cost no wall time.
 *
 * A timer fires once the invocation is quiet: no request open at the simulator and none arriving
 * for a few real milliseconds, so that calls already on their way land before time moves. Timers
 * then fire in due order, each advancing the simulator to its due time first.
 */
export interface LambdaRuntime {
  setTimeout: (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => VirtualTimer;
  clearTimeout: (timer: VirtualTimer | undefined) => void;
  Date: DateConstructor;
  /** Starts an invocation: a fresh deadline, and the context the handler gets. */
  invocation(): LambdaInvocation;
}

export interface LambdaInvocation {
  context: { getRemainingTimeInMillis(): number; functionName: string; awsRequestId: string };
  /** Drops timers the invocation left behind (a frozen Lambda never fires them). */
  end(): void;
}

export interface VirtualTimer {
  readonly dueMs: number;
  ref(): VirtualTimer;
  unref(): VirtualTimer;
  hasRef(): boolean;
}

/** Real milliseconds without a new request before virtual time may move. */
const QUIET_MS = 2;
const QUIET_CHECKS = 2;

export function virtualRuntime(sim: EcsSimulator, timeoutSeconds: number): LambdaRuntime {
  let pending: Array<{ timer: VirtualTimer; fire: () => void }> = [];
  let pumping = false;
  let invocations = 0;

  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (pending.length > 0) {
        await quiet(sim);
        if (pending.length === 0) break;
        pending.sort((a, b) => a.timer.dueMs - b.timer.dueMs);
        const next = pending.shift()!;
        const wait = next.timer.dueMs - sim.nowMs;
        if (wait > 0) sim.advance(wait / 1000);
        next.fire();
      }
    } finally {
      pumping = false;
    }
  };

  const setTimeout: LambdaRuntime["setTimeout"] = (callback, ms = 0, ...args) => {
    const timer: VirtualTimer = {
      dueMs: sim.nowMs + Math.max(0, Number(ms) || 0),
      ref: () => timer,
      unref: () => timer,
      hasRef: () => true,
    };
    pending.push({ timer, fire: () => callback(...args) });
    void pump();
    return timer;
  };

  return {
    setTimeout,
    clearTimeout: (timer) => {
      pending = pending.filter((p) => p.timer !== timer);
    },
    Date: virtualDate(() => sim.nowMs),
    invocation: () => {
      const deadline = sim.nowMs + timeoutSeconds * 1000;
      invocations++;
      return {
        context: {
          getRemainingTimeInMillis: () => Math.max(0, deadline - sim.nowMs),
          functionName: "ecs-task-rebalancer",
          awsRequestId: `00000000-0000-4000-9000-${String(invocations).padStart(12, "0")}`,
        },
        end: () => {
          pending = [];
        },
      };
    },
  };
}

async function quiet(sim: EcsSimulator): Promise<void> {
  let seen = sim.httpActivity.received;
  let calm = 0;
  while (calm < QUIET_CHECKS) {
    await new Promise((resolve) => global.setTimeout(resolve, QUIET_MS));
    const { received, open } = sim.httpActivity;
    calm = open === 0 && received === seen ? calm + 1 : 0;
    seen = received;
  }
}

/** The real Date, except that `new Date()` and `Date.now()` read the virtual clock; `instanceof Date` still holds. */
function virtualDate(nowMs: () => number): DateConstructor {
  return new Proxy(Date, {
    construct: (target, args) => (args.length === 0 ? new target(nowMs()) : Reflect.construct(target, args)),
    apply: () => new Date(nowMs()).toString(),
    get: (target, property, receiver) => (property === "now" ? () => nowMs() : Reflect.get(target, property, receiver)),
  });
}
