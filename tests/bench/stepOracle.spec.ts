import * as assert from "assert";
import { ClusterMeasures } from "../../bench/clusterMeasures";
import { fewestMovesOverSteps, tasksOntoNewInstances } from "../../bench/stepOracle";

type Zone = { instances: string[]; fixed: number[]; services: Record<string, number[]> };
/** A measure with only what the step bound reads: each zone's instances, fixed and movable tasks, and its band. */
function measure(zones: Record<string, Zone>): ClusterMeasures {
  const zoneBands = Object.fromEntries(
    Object.entries(zones).map(([name, z]) => {
      const totals = z.instances.map((_, i) => z.fixed[i] + Object.values(z.services).reduce((sum, c) => sum + c[i], 0));
      return [name, Math.max(...totals) - Math.min(...totals)];
    }),
  );
  return { loadZones: zones, zoneBands } as unknown as ClusterMeasures;
}

describe("stepOracle: the fewest moves that reach the band after every step", () => {
  // 6 → 3 → 6 in small: ECS alone leaves (3, 1 | 2) after the scale-in; ours ends it (2, 2 | 2),
  // then three instances join (one in a, two in b) and ours ends (2, 1, 1 | 1, 1, 0)
  const aloneAfterScaleIn = measure({
    a: { instances: ["i0", "i1"], fixed: [0, 0], services: { s: [3, 1] } },
    b: { instances: ["i2"], fixed: [0], services: { s: [2] } },
  });
  const oursAfterScaleIn = measure({
    a: { instances: ["i0", "i1"], fixed: [0, 0], services: { s: [2, 2] } },
    b: { instances: ["i2"], fixed: [0], services: { s: [2] } },
  });
  const oursAfterScaleOut = measure({
    a: { instances: ["i0", "i1", "i3"], fixed: [0, 0, 0], services: { s: [2, 1, 1] } },
    b: { instances: ["i2", "i4", "i5"], fixed: [0, 0, 0], services: { s: [1, 1, 0] } },
  });

  it("the scale-in's exact minimum (1: one task off the 3) plus what the new instances must hold (a: 4 tasks on 3 within 1 → at least 1 each; b: 2 on 3 → 0) = 2", () => {
    assert.strictEqual(tasksOntoNewInstances(oursAfterScaleIn, oursAfterScaleOut), 1);
    assert.strictEqual(fewestMovesOverSteps(aloneAfterScaleIn, [oursAfterScaleIn, oursAfterScaleOut]), 2);
  });

  it("a DAEMON's task on a new instance is not a move: 7 tasks on 2 instances within 1 → at least 3 each, 1 of them the DAEMON's → 2 moved", () => {
    const previous = measure({ a: { instances: ["i0"], fixed: [1], services: { s: [5] } } });
    const end = measure({ a: { instances: ["i0", "i1"], fixed: [1, 1], services: { s: [2, 3] } } });
    assert.strictEqual(tasksOntoNewInstances(previous, end), 2);
  });

  const previous = measure({ a: { instances: ["i0"], fixed: [0], services: { s: [4] } } });
  const cases: Array<[string, ClusterMeasures]> = [
    [
      "a service's running count changed in the step (ECS may have started tasks on the new instance itself) → 0",
      measure({ a: { instances: ["i0", "i1"], fixed: [0, 0], services: { s: [3, 3] } } }),
    ],
    [
      "an instance left in the step (its tasks were replaced by ECS, not moved) → 0",
      measure({ a: { instances: ["i1", "i2"], fixed: [0, 0], services: { s: [2, 2] } } }),
    ],
  ];
  for (const [name, end] of cases) it(name, () => assert.strictEqual(tasksOntoNewInstances(previous, end), 0));

  it("the least count in a band is exact: over every split of T tasks on n instances with max − min ≤ w, the smallest count is ceil((T − w(n − 1)) / n) at least, and some split reaches it", () => {
    for (let n = 1; n <= 4; n++) {
      for (let w = 0; w <= 2; w++) {
        for (let total = 0; total <= 9; total++) {
          let least = Infinity;
          const visit = (prefix: number[]) => {
            if (prefix.length === n) {
              if (prefix.reduce((a, b) => a + b, 0) === total && Math.max(...prefix) - Math.min(...prefix) <= w)
                least = Math.min(least, Math.min(...prefix));
              return;
            }
            for (let c = 0; c <= total; c++) visit([...prefix, c]);
          };
          visit([]);
          const bound = Math.max(0, Math.ceil((total - w * (n - 1)) / n));
          if (least !== Infinity) assert.strictEqual(least, bound, `n ${n}, w ${w}, T ${total}`);
        }
      }
    }
  });
});
