import type { PacingClock } from "./writePacing";

/**
 * The SDK's standard retries (retryable errors only, exponential backoff with full jitter, 100 ms
 * base, 500 ms after throttling, at most 20 s), except that the wait is on our clock. The SDK would
 * sleep on the process's own timer, which a simulation cannot move; through the clock the Lambda's
 * every wait (pacing, our retries, the SDK's) is one kind, virtual in simulation and real in AWS.
 * No client-side rate limiter (the SDK's adaptive mode): our writes are paced by writePacing.ts.
 */
export interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

type RetryErrorType = "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR";

// an array, not a Set: function serialization captures a module-level Set without its contents
const RETRYABLE: readonly RetryErrorType[] = ["THROTTLING", "TRANSIENT", "SERVER_ERROR"];
const BASE_DELAY_MS = 100;
const THROTTLING_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

export function clockedRetryStrategy(maxAttempts: number, clock: PacingClock, random: () => number = Math.random) {
  // the middleware sleeps getRetryDelay() on the real timer: the wait already happened here, so 0
  const token = (count: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => 0 });
  return {
    mode: "standard",
    acquireInitialRetryToken: async (): Promise<RetryToken> => token(0),
    refreshRetryTokenForRetry: async (previous: RetryToken, errorInfo: { errorType: RetryErrorType }): Promise<RetryToken> => {
      const retries = previous.getRetryCount();
      if (!RETRYABLE.includes(errorInfo.errorType) || retries + 1 >= maxAttempts) throw new Error("No retry token available");
      const base = errorInfo.errorType === "THROTTLING" ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
      await clock.sleep(Math.floor(Math.min(MAX_DELAY_MS, random() * 2 ** retries * base)));
      return token(retries + 1);
    },
    recordSuccess: (): void => {},
  };
}
