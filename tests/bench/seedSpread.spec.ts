import * as assert from "assert";
import { parseSeeds, SeedResult, seedSpreadTable, withinMovesTarget } from "../../bench/seedSpread";

describe("bench:seeds: the same scenario under other simulator seeds", () => {
  it("--seeds takes a range or a list; a reversed range, a word or nothing is refused", () => {
    assert.deepStrictEqual(parseSeeds("1-4"), [1, 2, 3, 4]);
    assert.deepStrictEqual(parseSeeds("3,5,9"), [3, 5, 9]);
    assert.deepStrictEqual(parseSeeds("7"), [7]);
    for (const bad of ["5-1", "one", "", "1,,2", "-3", "1-2000"]) assert.strictEqual(parseSeeds(bad), undefined, bad);
  });

  it("the moves target is the bench's: 1.1 × the larger lower bound + 1, so 137 passes at 124 and 138 does not; no minimum, no pass", () => {
    assert.strictEqual(withinMovesTarget({ moves: 137, bandMinMoves: 124 }), true);
    assert.strictEqual(withinMovesTarget({ moves: 138, bandMinMoves: 124 }), false);
    assert.strictEqual(withinMovesTarget({ moves: 0, bandMinMoves: null }), false);
    // a step bound above the end-state one is the one that counts, a lower one changes nothing
    assert.strictEqual(withinMovesTarget({ moves: 138, bandMinMoves: 124, stepsMinMoves: 125 }), true);
    assert.strictEqual(withinMovesTarget({ moves: 138, bandMinMoves: 124, stepsMinMoves: 100 }), false);
  });

  it("one row per scenario: min / median (the lower middle) / max, and counts of the seeds that met each target", () => {
    const run = (seed: number, moves: number, reached: boolean): SeedResult => ({
      scenario: "s",
      seed,
      moves,
      bandMinMoves: 124,
      stepsMinMoves: 124,
      bandOneReachable: true,
      bandOneReached: reached,
      bandAfter: { a: reached ? 1 : 3, b: 0 },
      balanced: true,
      secondsToBalance: 100 * seed,
    });
    const table = seedSpreadTable([run(1, 150, true), run(2, 135, true), run(3, 140, false), run(4, 137, true)]);
    const row = table.split("\n")[2];
    assert.strictEqual(
      row,
      "| s | 4 | 135 / 137 / 150 | 124 / 124 / 124 | 124 / 124 / 124 | 1.09 / 1.1 / 1.21 | 2 of 4 | 3 of 4 | 1 / 1 / 3 | 4 of 4 | 100 / 200 / 400 |",
    );
  });
});
