import * as assert from "assert";
import fc from "fast-check";
import { bandExcess, bandOf } from "../../../handler/clusterLoad/band";
import { parseBandTasks } from "../../../handler/clusterLoad/args";

describe("cluster load band (from the zone's average)", () => {
  const cases: Array<[string, number[], number, [number, number]]> = [
    ["loads (3,4) average 3.5, tolerance 1 → band [3, 4]: within one task of each other", [3, 4], 1, [3, 4]],
    ["loads (3,3) average 3, tolerance 1 → band [3, 3]", [3, 3], 1, [3, 3]],
    ["loads (4,1,1) average 2, tolerance 2 → band [1, 3]: strictly within 2", [4, 1, 1], 2, [1, 3]],
    ["loads (12,12,0,0) average 6, tolerance 1 → band [6, 6]", [12, 12, 0, 0], 1, [6, 6]],
    ["loads (0,1) average 0.5, tolerance 3 → band [0, 3] (never below 0)", [0, 1], 3, [0, 3]],
  ];
  for (const [name, loads, tolerance, [low, high]] of cases) {
    it(name, () => {
      const band = bandOf(loads, tolerance);
      assert.deepStrictEqual([band.low, band.high], [low, high]);
    });
  }

  it("tolerance 1: in band exactly when max − min ≤ 1 (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 8 }), (loads) => {
        const inBand = bandExcess(loads, bandOf(loads, 1)) === 0;
        assert.strictEqual(inBand, Math.max(...loads) - Math.min(...loads) <= 1);
      }),
    );
  });
});

describe("cluster load args (stack config value → tolerance)", () => {
  const cases: Array<[string, unknown, number | "error"]> = [
    ["1 (the default) → 1", 1, 1],
    ["'3' as config text → 3", "3", 3],
    ["0 → 0 (off)", 0, 0],
    ["false → 0 (off)", false, 0],
    ["'false' → 0 (off)", "false", 0],
    ["-1 → error", -1, "error"],
    ["1.5 → error", 1.5, "error"],
    ["101 → error (above the most)", 101, "error"],
    ["true → error (say a number)", true, "error"],
    ["'one' → error", "one", "error"],
  ];
  for (const [name, raw, expected] of cases) {
    it(name, () => {
      const parsed = parseBandTasks(raw);
      if (expected === "error") assert.ok(typeof parsed === "object" && /integer from 0 to 100/.test(parsed.error));
      else assert.strictEqual(parsed, expected);
    });
  }
});
