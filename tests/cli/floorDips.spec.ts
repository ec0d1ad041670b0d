import * as assert from "assert";
import { dipsBelowEcsAlone, FloorDips } from "../../cli/floorDips";
import { ServiceState } from "../../cli/minimumHealthy";

/** `running` healthy tasks of a service with `desiredCount` at `percent`. */
function state(running: number, desiredCount: number, percent = 100): ServiceState {
  const tasks = Array.from({ length: running }, (_, i) => ({ arn: `t${i}`, lastStatus: "RUNNING", desiredStatus: "RUNNING" }));
  return { tasks, desiredCount, minimumHealthyPercent: percent, tags: [], identity: { arn: "web", createdAtMs: 0 } };
}

/** Feeds (running, desired, isInstanceLossTick) samples, 5 s apart, in step 0. */
function sampled(samples: Array<[number, number, boolean?]>, percent = 100): FloorDips {
  const dips = new FloorDips();
  samples.forEach(([running, desired, isInstanceLossTick], i) =>
    dips.sample("web", state(running, desired, percent), {
      step: 0,
      seconds: 5 * (i + 1),
      isInstanceLossTick: isInstanceLossTick ?? false,
    }),
  );
  return dips;
}

describe("floor dips: the floor at each sample is the one of the desired count then", () => {
  it("desired 6 → 2 at 50 % with 1 running is at the floor (seed 96), not a dip", () => {
    const dips = sampled(
      [
        [6, 6],
        [3, 2],
        [1, 2],
        [2, 2],
      ],
      50,
    );
    assert.deepStrictEqual(dips.dips, []);
    assert.strictEqual(dips.lowest.web.margin, 0);
  });

  it("desired 6 → 12: the floor rises once 12 run, not while the new tasks start", () => {
    const dips = sampled([
      [6, 6],
      [6, 12],
      [9, 12],
      [12, 12],
      [11, 12],
    ]);
    assert.deepStrictEqual(
      dips.dips.map((d) => [d.worst.seconds, d.worst.floor]),
      [[25, 12]],
    );
    assert.strictEqual(
      sampled([
        [6, 6],
        [5, 12],
        [12, 12],
      ]).dips[0].worst.floor,
      6,
      "below the old floor while growing is a dip",
    );
  });

  it("one spell below the floor is one dip, its depth the first sample to reach the lowest margin", () => {
    const dips = sampled([
      [4, 4],
      [2, 4, true],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
    assert.strictEqual(dips.dips.length, 1);
    assert.deepStrictEqual(dips.dips[0].start, { step: 0, seconds: 10 });
    assert.deepStrictEqual([dips.dips[0].worst.margin, dips.dips[0].worst.seconds], [-2, 10]);
    assert.ok(dips.dips[0].atInstanceLoss, "the deepest sample is the loss tick");
  });

  it("a spell that deepens after the loss tick is not at the instance loss", () => {
    const dips = sampled([
      [4, 4],
      [3, 4, true],
      [2, 4],
      [4, 4],
    ]);
    assert.strictEqual(dips.dips[0].atInstanceLoss, false);
  });

  it("two spells with a recovery between them are two dips", () => {
    const dips = sampled([
      [3, 4],
      [4, 4],
      [3, 4],
    ]);
    assert.deepStrictEqual(
      dips.dips.map((d) => d.start.seconds),
      [5, 15],
    );
  });

  it("only dips deeper than ECS alone's lowest margin for that service are kept", () => {
    const alone = sampled([
      [4, 4],
      [3, 4],
      [4, 4],
    ]);
    assert.deepStrictEqual(
      dipsBelowEcsAlone(
        sampled([
          [3, 4],
          [4, 4],
        ]),
        alone,
      ),
      [],
    );
    assert.deepStrictEqual(
      dipsBelowEcsAlone(
        sampled([
          [2, 4],
          [4, 4],
        ]),
        alone,
      ).map((d) => d.worst.margin),
      [-2],
    );
  });
});
