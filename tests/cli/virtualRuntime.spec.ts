import * as assert from "assert";
import * as path from "path";
import { archivedRebalancer } from "../../cli/archivedRebalancer";
import { buildLambdaArchive } from "../../cli/lambdaArchive";
import { simulate } from "../../cli/simulation";
import { virtualRuntime } from "../../cli/virtualRuntime";
import { EcsSimulator, readScenarioFile } from "../../simulator";

describe("the Lambda's time in simulation (virtualRuntime.ts)", () => {
  it("timers fire in due order, each once the simulator's clock has reached its due time; a cleared timer never fires", async () => {
    const sim = new EcsSimulator();
    const runtime = virtualRuntime(sim, 60);
    const start = sim.nowMs;
    const fired: Array<[string, number]> = [];
    await new Promise<void>((resolve) => {
      runtime.setTimeout(() => fired.push(["late", sim.nowMs - start]), 2500);
      const cleared = runtime.setTimeout(() => fired.push(["cleared", sim.nowMs - start]), 1000);
      runtime.setTimeout(() => fired.push(["early", sim.nowMs - start]), 700);
      runtime.clearTimeout(cleared);
      runtime.setTimeout(() => resolve(), 3000);
    });
    assert.deepStrictEqual(fired, [
      ["early", 700],
      ["late", 2500],
    ]);
    assert.strictEqual(sim.nowMs - start, 3000);
  });

  it("Date reads the virtual clock when asked for now, parses as usual, and a real Date is still `instanceof` it", () => {
    const sim = new EcsSimulator();
    const { Date: VirtualDate } = virtualRuntime(sim, 60);
    sim.advance(42);
    assert.strictEqual(VirtualDate.now(), sim.nowMs);
    assert.strictEqual(new VirtualDate().getTime(), sim.nowMs);
    assert.strictEqual(new VirtualDate("2026-11-28T00:00:00Z").toISOString(), "2026-11-28T00:00:00.000Z");
    assert.strictEqual(VirtualDate.parse("1970-01-01T00:00:01Z"), 1000);
    assert.ok(new Date() instanceof VirtualDate);
  });

  it("an invocation's remaining time counts down with the virtual clock from the function's timeout; its timers end with it", async () => {
    const sim = new EcsSimulator();
    const runtime = virtualRuntime(sim, 60);
    const invocation = runtime.invocation();
    assert.strictEqual(invocation.context.getRemainingTimeInMillis(), 60_000);
    sim.advance(45);
    assert.strictEqual(invocation.context.getRemainingTimeInMillis(), 15_000);
    let fired = false;
    runtime.setTimeout(() => (fired = true), 1000);
    invocation.end();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.strictEqual(fired, false);
    sim.advance(30);
    assert.strictEqual(invocation.context.getRemainingTimeInMillis(), 0);
  });

  it("the archived Lambda's write pacing runs on the virtual clock: within an invocation, UpdateService calls are at least 1 simulated second apart", async function () {
    this.timeout(120_000);
    const scenario = readScenarioFile(path.join(__dirname, "..", "..", "scenarios", "many-small-services.json"));
    const updates: Array<{ invocation: number; ms: number }> = [];
    let invocation = 0;
    let wrapped = false;
    const archived = await archivedRebalancer(await buildLambdaArchive());
    const report = await simulate({
      scenario,
      rebalancer: async (context) => {
        const handler = await archived(context);
        return (event) => (invocation++, handler(event));
      },
      onTick: ({ sim }) => {
        if (wrapped) return;
        wrapped = true;
        const call = sim.call.bind(sim);
        sim.call = (operation, input) => {
          if (operation === "UpdateService") updates.push({ invocation, ms: sim.nowMs });
          return call(operation, input);
        };
      },
    });
    assert.ok(report.balanced);
    assert.ok(updates.length >= 10, `${updates.length} UpdateService calls`);
    const gaps = updates.slice(1).flatMap((u, i) => (u.invocation === updates[i].invocation ? [u.ms - updates[i].ms] : []));
    assert.ok(gaps.length >= 5, `${gaps.length} pairs within one invocation`);
    assert.ok(
      gaps.every((gap) => gap >= 1000),
      `gaps in simulated ms: ${gaps.join(", ")}`,
    );
  });
});
