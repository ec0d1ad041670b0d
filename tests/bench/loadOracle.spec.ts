import * as assert from "assert";
import fc from "fast-check";
import { fewestMovesToBand, LoadZone } from "../../bench/loadOracle";

/** Every balanced layout of every service, by enumeration: the flow must agree on small zones. */
function bruteForce(zone: LoadZone, width: number): number | undefined {
  const n = zone.fixed.length;
  let best: number | undefined;
  const loads = [...zone.fixed];
  const visit = (s: number, cost: number) => {
    if (s === zone.services.length) {
      if (Math.max(...loads) - Math.min(...loads) <= width && (best === undefined || cost < best)) best = cost;
      return;
    }
    const { counts, target } = zone.services[s];
    const low = Math.floor(target / n);
    for (let mask = 0; mask < 1 << n; mask++) {
      const bits = [...Array(n).keys()].filter((i) => mask & (1 << i));
      if (bits.length !== target % n) continue;
      const layout = counts.map((_, i) => low + (mask & (1 << i) ? 1 : 0));
      layout.forEach((t, i) => (loads[i] += t));
      visit(s + 1, cost + layout.reduce((acc, t, i) => acc + Math.max(0, counts[i] - t), 0));
      layout.forEach((t, i) => (loads[i] -= t));
    }
  };
  visit(0, 0);
  return best;
}

describe("bench load oracle (min-cost flow)", () => {
  it("(12 services with one task each on the first of two instances, target 1 each) → band 0 in 6 moves", () => {
    const zone: LoadZone = { fixed: [0, 0], services: Array.from({ length: 12 }, () => ({ counts: [1, 0], target: 1 })) };
    assert.strictEqual(fewestMovesToBand(zone, 0), 6);
    assert.strictEqual(fewestMovesToBand(zone, 1), 6, "12 tasks over 2 instances: within one is the same as equal");
    assert.strictEqual(fewestMovesToBand(zone, 12), 0);
  });

  it("agrees with enumeration on random small zones (property)", () => {
    const zones = fc.record({
      fixed: fc.array(fc.nat(4), { minLength: 1, maxLength: 4 }),
      services: fc.array(
        fc.record({ counts: fc.array(fc.nat(3), { minLength: 4, maxLength: 4 }), extra: fc.integer({ min: -1, max: 1 }) }),
        { maxLength: 4 },
      ),
      width: fc.nat(3),
    });
    fc.assert(
      fc.property(zones, ({ fixed, services, width }) => {
        const zone: LoadZone = {
          fixed,
          services: services.map((s) => {
            const counts = s.counts.slice(0, fixed.length);
            return { counts, target: Math.max(0, counts.reduce((a, b) => a + b, 0) + s.extra) };
          }),
        };
        assert.strictEqual(fewestMovesToBand(zone, width), bruteForce(zone, width));
      }),
      { numRuns: 400 },
    );
  });
});
