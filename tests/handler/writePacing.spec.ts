import * as assert from "assert";
import { silentLogger } from "../../handler/log";
import { rebalance } from "../../handler/rebalance";
import { pacedPort, PacingClock, WaveDeadline } from "../../handler/writePacing";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, serviceArn } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const RATES = { updateService: 1, tagResource: 2, stopTask: 10, updateTaskProtection: 5 };

/** Virtual milliseconds: sleeping moves the clock, nothing waits. */
function fakeClock(): PacingClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => void (clock.sleeps.push(ms), (clock.t += ms)),
  };
  return clock;
}

/** Three services that each need a surge (2 | 0 over two zones, 100 % minimum healthy). */
function threeServices(): FakeEcs {
  const names = ["a", "b", "c"];
  return new FakeEcs(
    buildSnapshot(
      [{ zone: "a", tasks: { a: 2, b: 2, c: 2 } }, { zone: "b" }],
      names.map((name) => ({ name })),
    ),
  );
}

describe("write pacing: each kind of write below its rate, throttling retried, the wave stopped before the deadline", () => {
  it("3 surges at 1 UpdateService and 2 TagResource per second: the calls are 1 s and 0.5 s apart; reads are not paced", async () => {
    const fake = threeServices();
    const clock = fakeClock();
    const times: Array<[string, number]> = [];
    for (const op of ["updateServiceDesiredCount", "tagResource", "describeServices"] as const) {
      const original = (fake[op] as (...args: unknown[]) => Promise<unknown>).bind(fake);
      (fake as any)[op] = async (...args: unknown[]) => (times.push([op, clock.now()]), original(...args));
    }
    const port = pacedPort(fake, { rates: RATES, clock });
    for (const name of ["a", "b", "c"]) {
      await port.tagResource(serviceArn(name), [{ key: "k", value: "v" }]);
      await port.updateServiceDesiredCount(CLUSTER_ARN, serviceArn(name), 3);
    }
    await port.describeServices(CLUSTER_ARN, [serviceArn("a")]);
    assert.deepStrictEqual(
      times.filter(([op]) => op === "updateServiceDesiredCount").map(([, t]) => t),
      [0, 1000, 2000],
    );
    assert.deepStrictEqual(
      times.filter(([op]) => op === "tagResource").map(([, t]) => t),
      [0, 500, 1000],
      "a tag waits for its own 500 ms slot only",
    );
    assert.deepStrictEqual(
      times.filter(([op]) => op === "describeServices").map(([, t]) => t),
      [2000],
      "no wait for a read",
    );
  });

  it("two UpdateService calls in a row: the second waits exactly 1000 ms at 1 per second", async () => {
    const clock = fakeClock();
    const port = pacedPort(threeServices(), { rates: RATES, clock });
    await port.updateServiceDesiredCount(CLUSTER_ARN, serviceArn("a"), 3);
    await port.updateServiceDesiredCount(CLUSTER_ARN, serviceArn("b"), 3);
    assert.deepStrictEqual(clock.sleeps, [1000]);
  });

  it("ThrottlingException twice, then accepted: retried after 500 then 1000 ms (the count is set once)", async () => {
    const fake = threeServices();
    fake.throttle("updateServiceDesiredCount", { times: 2 });
    const clock = fakeClock();
    await pacedPort(fake, { rates: RATES, clock }).updateServiceDesiredCount(CLUSTER_ARN, serviceArn("a"), 3);
    assert.strictEqual(fake.count("updateServiceDesiredCount"), 3);
    assert.strictEqual(fake.serviceOf("a").desiredCount, 3);
    // backoff 500 then 1000 ms; the pacing wait of the second attempt (500 ms more to its 1 s slot) in between
    assert.deepStrictEqual(clock.sleeps, [500, 500, 1000]);
  });

  it("throttled beyond the retries: the ThrottlingException reaches the executor (reported, as before)", async () => {
    const fake = threeServices();
    fake.throttle("updateServiceDesiredCount", { times: 10 });
    await assert.rejects(
      pacedPort(fake, { rates: RATES, clock: fakeClock(), retries: 3 }).updateServiceDesiredCount(CLUSTER_ARN, serviceArn("a"), 3),
      /Rate exceeded/,
    );
    assert.strictEqual(fake.count("updateServiceDesiredCount"), 4);
  });

  it("a write whose wait would run into the reserve is never started (WaveDeadline)", async () => {
    const fake = threeServices();
    const clock = fakeClock();
    const port = pacedPort(fake, { rates: RATES, clock, remainingMs: () => 5500 - clock.now(), reserveMs: 5000 });
    await port.updateServiceDesiredCount(CLUSTER_ARN, serviceArn("a"), 3);
    await assert.rejects(port.updateServiceDesiredCount(CLUSTER_ARN, serviceArn("b"), 3), (e: Error) => e instanceof WaveDeadline);
    assert.strictEqual(fake.count("updateServiceDesiredCount"), 1);
  });

  it("rebalance with 6.5 s left and a 5 s reserve: surges what fits, then stops the wave cleanly (no error, the rest deferred)", async () => {
    const fake = threeServices();
    const clock = fakeClock();
    const report = await rebalance(fake, CLUSTER_ARN, {
      dryRun: false,
      now: NOW,
      log: silentLogger,
      surgeTimeoutSeconds: 900,
      maxMovesPerRun: 10,
      maxMovesPerService: 5,
      maxMovesPerInstance: 10,
      writeRates: RATES,
      clock,
      remainingMs: () => 6500 - clock.now(),
    });
    assert.deepStrictEqual(report.wave.errors, []);
    assert.match(report.wave.stoppedEarly ?? "", /ms left/);
    assert.deepStrictEqual(
      ["a", "b", "c"].map((name) => fake.serviceOf(name).desiredCount),
      [3, 3, 2],
      "a and b surged; c's count never raised",
    );
    for (const name of ["a", "b", "c"]) {
      const service = fake.serviceOf(name);
      const tagged = (service.tags ?? []).some((t) => t.key === "ecs-rebalancer:surge");
      // consistent: a tag without the raised count is forgotten by the next run; never a raised count without a tag
      assert.ok(service.desiredCount === 2 || tagged, `${name}: raised count without its tag`);
    }
  });
});
