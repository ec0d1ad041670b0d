import * as assert from "assert";
import fc from "fast-check";
import { fewestMovesToBand } from "../../../bench/loadOracle";
import { Plan, planMoves } from "../../../handler/planner";
import { IGNORE_TAG } from "../../../handler/surgeTag";
import { buildSnapshot, instanceArn, InstanceSpec, ServiceSpec } from "../fixtures";
import { ExactCluster, exactLoadMoves, isZoneInBand } from "./exactLoad";

/**
 * The cluster load pass against the exact solver (exactLoad.ts) on random small clusters of
 * balanced services (each spread by zone, then instance) and fixed load, in one, two and three
 * zones: wave after wave, moves applied as planned, the planner puts every zone in band whenever
 * some layout does, with at most 1.1 × the fewest moves, never unbalances a service, and plans only
 * moves that land where ECS's documented placement puts the started task (checked here apart from
 * the planner: each service's moves are in exactly its emptiest zones, one per zone, each to an
 * instance with its fewest tasks there, every such instance carrying the same load).
 *
 * What "as planned" leaves out: when a surge completes, the planner chooses the tasks to stop
 * afresh (serviceSpread/surgeEnd.ts), and with two or more zones that choice can fall in another
 * zone than the planned source (see the README's cluster load section); this spec does not model it.
 */
interface Gen {
  zones: number;
  instances: Array<{ zone: number; fixed: number }>;
  services: Array<{ total: number; seedZones: number; seedInstances: number }>;
  tolerance: number;
}

function gens(zones: fc.Arbitrary<number>, instances: { minLength: number; maxLength: number }): fc.Arbitrary<Gen> {
  return fc.record({
    zones,
    instances: fc.array(fc.record({ zone: fc.nat(2), fixed: fc.integer({ min: 0, max: 5 }) }), instances),
    services: fc.array(fc.record({ total: fc.integer({ min: 2, max: 6 }), seedZones: fc.nat(1000), seedInstances: fc.nat(1000) }), {
      minLength: 1,
      maxLength: 4,
    }),
    tolerance: fc.constantFrom(1, 1, 1, 2),
  });
}
const oneZone = gens(fc.constant(1), { minLength: 2, maxLength: 6 });
// two or three zones: which of several tied zones ECS starts a task in couples the zones
const severalZones = gens(fc.constantFrom(2, 3), { minLength: 3, maxLength: 7 });

/** A balanced layout: zone totals differ by at most one, and so do instance counts within a zone. */
function layout(g: Gen): ExactCluster {
  // the first instances open every zone, so that "two zones" means two
  const zones = g.instances.map((instance, i) => `z${(i < g.zones ? i : instance.zone) % g.zones}`);
  const zoneNames = [...new Set(zones)].sort();
  const services = g.services.map((s) => {
    const counts = zones.map(() => 0);
    const perZone = spreadEvenly(s.total, zoneNames.length, s.seedZones);
    zoneNames.forEach((zone, z) => {
      const members = zones.map((name, i) => (name === zone ? i : -1)).filter((i) => i >= 0);
      spreadEvenly(perZone[z], members.length, s.seedInstances + z).forEach((n, j) => (counts[members[j]] = n));
    });
    return counts;
  });
  return { zones, fixed: g.instances.map((i) => i.fixed), services };
}

/** `total` over `n` slots, ⌊total/n⌋ each and the remainder on slots chosen by the seed. */
function spreadEvenly(total: number, n: number, seed: number): number[] {
  const counts = Array.from({ length: n }, () => Math.floor(total / n));
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ((a * 7919 + seed) % 101) - ((b * 7919 + seed) % 101) || a - b);
  for (let r = 0; r < total % n; r++) counts[order[r]] += 1;
  return counts;
}

function snapshotOf(cluster: ExactCluster) {
  const instances: InstanceSpec[] = cluster.zones.map((zone, i) => ({
    zone,
    cpu: 65536,
    memory: 262144,
    tasks: Object.fromEntries(
      [["fixed", cluster.fixed[i]], ...cluster.services.map((counts, s) => [`s${s}`, counts[i]])].filter(([, n]) => n !== 0),
    ),
  }));
  const services: ServiceSpec[] = [
    { name: "fixed", tags: { [IGNORE_TAG]: "true" } },
    ...cluster.services.map((_, s) => ({ name: `s${s}` })),
  ];
  return buildSnapshot(instances, services);
}

/** Plans and applies waves until a plan moves nothing; returns the moves made and the final layout. */
function converge(start: ExactCluster, tolerance: number): { moves: number; end: ExactCluster } {
  const state: ExactCluster = { ...start, services: start.services.map((c) => [...c]) };
  let moves = 0;
  for (let wave = 0; wave < 40; wave++) {
    const plan = planMoves(snapshotOf(state), { now: new Date(0), surgeTimeoutSeconds: 900, clusterLoad: { bandTasks: tolerance } });
    if (plan.moves.length === 0) return { moves, end: state };
    assertZonesLand(state, plan);
    for (const move of plan.moves) {
      assert.strictEqual(move.pass, "load", `a balanced cluster got a spread move of ${move.serviceName}`);
      const s = Number(move.serviceName.slice(1));
      const from = indexOf(move.from);
      const to = indexOf(move.to!);
      assert.strictEqual(state.zones[from], state.zones[to], "a load move stays in its zone");
      assertInstanceLands(state, s, from, to);
      state.services[s][from] -= 1;
      state.services[s][to] += 1;
      moves++;
    }
  }
  throw new Error("the load pass did not settle within 40 waves");
}

/**
 * ECS places a surge's extra tasks one by one in the zone with the fewest tasks of the service,
 * at random among tied zones: the moves land only if their zones are exactly the service's
 * emptiest, one move in each.
 */
function assertZonesLand(state: ExactCluster, plan: Plan): void {
  const zoneNames = [...new Set(state.zones)].sort();
  const services = [...new Set(plan.moves.map((m) => Number(m.serviceName.slice(1))))];
  for (const s of services) {
    const totals = zoneNames.map((zone) => state.zones.reduce((sum, z, i) => sum + (z === zone ? state.services[s][i] : 0), 0));
    const emptiest = zoneNames.filter((_, z) => totals[z] === Math.min(...totals));
    const planned = plan.moves.filter((m) => m.serviceName === `s${s}`).map((m) => state.zones[indexOf(m.from)]);
    assert.deepStrictEqual([...planned].sort(), emptiest, `s${s}: moves in zones ${planned}, its emptiest zones are ${emptiest}`);
  }
}

/** Inside the zone ECS picks an instance with the fewest tasks of the service: all of them must carry the target's load. */
function assertInstanceLands(state: ExactCluster, s: number, from: number, to: number): void {
  const members = state.zones.flatMap((z, i) => (z === state.zones[to] ? [i] : []));
  const load = (i: number) => state.fixed[i] + state.services.reduce((sum, counts) => sum + counts[i], 0);
  const fewest = Math.min(...members.map((i) => state.services[s][i]));
  assert.strictEqual(state.services[s][from], fewest + 1, `s${s} moves from an instance holding one more than its fewest`);
  const ties = members.filter((i) => state.services[s][i] === fewest);
  assert.ok(ties.includes(to), `s${s}: instance ${to} does not hold its fewest tasks in its zone`);
  assert.ok(
    ties.every((i) => load(i) === load(to)),
    `s${s}: ECS would pick among instances of unequal load ${ties.map(load)}`,
  );
}

/** The bench's min-cost flow (bench/loadOracle.ts): moves to within one task, ignoring where ECS lands a task. */
function landingFreeLowerBound(cluster: ExactCluster): number | undefined {
  let total = 0;
  for (const zone of [...new Set(cluster.zones)]) {
    const members = cluster.zones.flatMap((z, i) => (z === zone ? [i] : []));
    const services = cluster.services.map((counts) => {
      const inZone = members.map((i) => counts[i]);
      return { counts: inZone, target: inZone.reduce((a, b) => a + b, 0) };
    });
    const moves = fewestMovesToBand({ fixed: members.map((i) => cluster.fixed[i]), services }, 1);
    if (moves === undefined) return undefined;
    total += moves;
  }
  return total;
}

function indexOf(arn: string): number {
  return Number(arn.slice(-32));
}

function loadsByZone(cluster: ExactCluster): number[][] {
  const zones = [...new Set(cluster.zones)].sort();
  return zones.map((zone) =>
    cluster.zones.flatMap((z, i) => (z === zone ? [cluster.fixed[i] + cluster.services.reduce((acc, counts) => acc + counts[i], 0)] : [])),
  );
}

function isBalancedLike(start: ExactCluster, end: ExactCluster): boolean {
  return start.services.every((counts, s) =>
    [...new Set(start.zones)].every((zone) => {
      const members = start.zones.map((z, i) => (z === zone ? i : -1)).filter((i) => i >= 0);
      const before = members.map((i) => counts[i]);
      const after = members.map((i) => end.services[s][i]);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      return sum(before) === sum(after) && Math.max(...after) - Math.min(...after) <= 1;
    }),
  );
}

describe("cluster load pass against the exact solver (random small clusters)", function () {
  this.timeout(120000);

  it("never unbalances a service; in band with at most 1.1 × the fewest moves; reaches the band in ≥ 96 % of the clusters where a layout is", () => {
    let reachable = 0;
    let reached = 0;
    fc.assert(
      fc.property(oneZone, (g) => {
        const start = layout(g);
        const exact = exactLoadMoves(start, g.tolerance);
        const { moves, end } = converge(start, g.tolerance);
        assert.ok(isBalancedLike(start, end), "a service lost its balance or its zone totals");
        if (exact.moves === undefined) return;
        reachable++;
        if (!loadsByZone(end).every((loads) => isZoneInBand(loads, g.tolerance))) return;
        reached++;
        assert.ok(moves <= 1.1 * exact.moves, `${moves} moves, the fewest is ${exact.moves}`);
      }),
      { numRuns: 3000, seed: 12 },
    );
    // a greedy of improving moves: it stops short where only a non-improving move first makes a
    // later one land (about 3 % of these clusters); the next scheduled run does not change that
    assert.ok(reachable > 500, `only ${reachable} clusters had a reachable band`);
    // measured with this seed: 960 of 990
    assert.ok(reached >= 0.96 * reachable, `in band in ${reached} of ${reachable} reachable clusters`);
  });

  it("two and three zones: never unbalances a service, every move lands; in band with at most 1.1 × the fewest moves + 1; reaches the band in ≥ 96 % of the clusters where a layout is", () => {
    let reachable = 0;
    let reached = 0;
    fc.assert(
      fc.property(severalZones, (g) => {
        const start = layout(g);
        const exact = exactLoadMoves(start, g.tolerance);
        const { moves, end } = converge(start, g.tolerance);
        assert.ok(isBalancedLike(start, end), "a service lost its balance or its zone totals");
        if (exact.moves === undefined) return;
        // the solver itself: never below the bench's landing-free minimum (an independent flow)
        if (g.tolerance === 1) assert.ok(exact.moves >= landingFreeLowerBound(start)!, "the exact solver beat a lower bound");
        reachable++;
        if (!loadsByZone(end).every((loads) => isZoneInBand(loads, g.tolerance))) return;
        reached++;
        assert.ok(moves <= 1.1 * exact.moves + 1, `${moves} moves, the fewest is ${exact.moves}`);
      }),
      { numRuns: 3000, seed: 12 },
    );
    assert.ok(reachable > 500, `only ${reachable} clusters had a reachable band`);
    // measured with this seed: 1,040 of 1,069 (97.3 %; two zones 363 of 382, three zones 677 of 687),
    // every one of them with exactly the fewest moves. The ones missed: a tied zone needs a move of the service that is no gain there (a swap
    // inside the band) for the surge to land, and the pass moves only where it gains; or, as in one
    // zone, a non-improving move must come first
    assert.ok(reached >= 0.96 * reachable, `in band in ${reached} of ${reachable} reachable clusters`);
  });

  // the planner's moves, wave after wave, equal the exact minimum on these (fixed tasks, then each service's tasks per instance)
  const twelve = Array.from({ length: 12 }, () => [1, 0, 1, 0]);
  const six = Array.from({ length: 6 }, () => [1, 0, 1, 0, 1, 0]);
  const tables: Array<[string, ExactCluster, number]> = [
    [
      "one service, its emptiest zone a: loads (3,0 | 1,1) → 1 move in a",
      { zones: ["a", "a", "b", "b"], fixed: [2, 0, 0, 0], services: [[1, 0, 1, 1]] },
      1,
    ],
    [
      "12 two-task services on (12,0 | 12,0): each surge adds a task to both zones → 12 moves, every instance at 6",
      { zones: ["a", "a", "b", "b"], fixed: [0, 0, 0, 0], services: twelve },
      12,
    ],
    [
      "six three-task services on (6,0 | 6,0 | 6,0) in three zones → 9 moves, three per zone",
      { zones: ["a", "a", "b", "b", "c", "c"], fixed: [0, 0, 0, 0, 0, 0], services: six },
      9,
    ],
    [
      "zones tied for s1 with a gain in each: (3,1 | 3,0) → 2 moves, s1 in both zones at once",
      {
        zones: ["a", "a", "b", "b"],
        fixed: [0, 0, 0, 0],
        services: [
          [1, 1, 1, 0],
          [1, 0, 1, 0],
          [1, 0, 1, 0],
        ],
      },
      2,
    ],
  ];
  for (const [name, cluster, expected] of tables) {
    it(`the planner's moves equal the exact minimum: ${name}`, () => {
      assert.strictEqual(exactLoadMoves(cluster, 1).moves, expected);
      const { moves, end } = converge(cluster, 1);
      assert.strictEqual(moves, expected);
      assert.ok(loadsByZone(end).every((loads) => isZoneInBand(loads, 1)));
    });
  }

  it("the exact solver agrees with the table: loads (3,1) in one zone, one movable service (1,0) → 1 move", () => {
    const cluster: ExactCluster = { zones: ["a", "a"], fixed: [2, 1], services: [[1, 0]] };
    assert.deepStrictEqual(exactLoadMoves(cluster, 1), { moves: 1 });
    assert.strictEqual(instanceArn(1).slice(-1), "1");
  });
});
