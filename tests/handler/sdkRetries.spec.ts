import * as assert from "assert";
import { clockedRetryStrategy, RetryToken } from "../../handler/sdkRetries";
import { PacingClock } from "../../handler/writePacing";

function recordingClock(): PacingClock & { sleeps: number[] } {
  const clock = { sleeps: [] as number[], now: () => 0, sleep: async (ms: number) => void clock.sleeps.push(ms) };
  return clock;
}

/** Asks for retries until the strategy refuses; returns how many it granted. */
async function retriesGranted(strategy: ReturnType<typeof clockedRetryStrategy>, errorType: string): Promise<number> {
  let token: RetryToken = await strategy.acquireInitialRetryToken();
  for (;;) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, { errorType: errorType as never });
    } catch {
      return token.getRetryCount();
    }
  }
}

describe("SDK retries on the function's clock (sdkRetries.ts)", () => {
  it("throttling: 7 retries for 8 attempts, each wait on the clock, growing from a 500 ms base; the SDK itself waits 0", async () => {
    const clock = recordingClock();
    const strategy = clockedRetryStrategy(8, clock, () => 0.999);
    assert.strictEqual(await retriesGranted(strategy, "THROTTLING"), 7);
    assert.deepStrictEqual(clock.sleeps, [499, 999, 1998, 3996, 7992, 15984, 20000]);
    const token = await strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(), { errorType: "THROTTLING" });
    assert.strictEqual(token.getRetryDelay(), 0);
  });

  it("transient and server errors: a 100 ms base; full jitter draws below the cap", async () => {
    const clock = recordingClock();
    assert.strictEqual(
      await retriesGranted(
        clockedRetryStrategy(3, clock, () => 0.5),
        "TRANSIENT",
      ),
      2,
    );
    assert.strictEqual(
      await retriesGranted(
        clockedRetryStrategy(3, clock, () => 0.5),
        "SERVER_ERROR",
      ),
      2,
    );
    assert.deepStrictEqual(clock.sleeps, [50, 100, 50, 100]);
  });

  it("a client error (a bad parameter, access denied) is never retried and never waits", async () => {
    const clock = recordingClock();
    assert.strictEqual(await retriesGranted(clockedRetryStrategy(8, clock), "CLIENT_ERROR"), 0);
    assert.deepStrictEqual(clock.sleeps, []);
  });
});
