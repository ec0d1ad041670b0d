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
 * zones, wave after wave. Every planned move is checked apart from the planner against ECS's
 * documented placement: a service's moves land in exactly its emptiest zones, one per zone, each on
 * an instance with its fewest tasks there; where those carry unequal loads (a coin flip) the plan
 * names them all and either each is lighter than the source or at least half are a gain; a filler
 * (a task started in a tied zone and given up) lands, wherever ECS puts it, on an instance at least
 * as busy as the task it names, so the completion gives it up; a move to
 * another zone keeps the service's zones balanced. Each cluster runs twice: with ECS putting every
 * task where the plan named (the plan's quality: in band with at most 1.1 × the exact minimum, + 1
 * with several zones) and with ECS picking at random, a wrong pick undone by the completion (what a
 * cluster sees). The exact solver plans only certain landings within a zone, so the planner can
 * beat it; its minimum is the one to meet.
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

function seedOf(g: Gen): number {
  return g.services.reduce((acc, s) => acc * 31 + s.seedZones * 7 + s.seedInstances, g.instances.length);
}

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

/** One wave's plan for the cluster as it is now, moves pinned or not. */
function planWave(state: ExactCluster, tolerance: number, pinMoves: boolean): Plan {
  return planMoves(snapshotOf(state), { now: new Date(0), surgeTimeoutSeconds: 900, clusterLoad: { bandTasks: tolerance, pinMoves } });
}

/**
 * Plans and applies waves until a plan moves nothing; returns the moves made (`undone`: coin flips
 * that went the wrong way, each one move spent for nothing) and the final layout.
 */
function converge(
  start: ExactCluster,
  tolerance: number,
  random?: () => number,
): { moves: number; undone: number; fillers: number; end: ExactCluster } {
  const state: ExactCluster = { ...start, services: start.services.map((c) => [...c]) };
  let moves = 0;
  let undone = 0;
  let fillers = 0;
  for (let wave = 0; wave < WAVES; wave++) {
    const plan = planWave(state, tolerance, false);
    if (plan.moves.length === 0) return { moves, undone, fillers, end: state };
    assertZonesLand(state, plan);
    for (const move of plan.moves) {
      assert.strictEqual(move.pass, "load", `a balanced cluster got a spread move of ${move.serviceName}`);
      const s = Number(move.serviceName.slice(1));
      const from = indexOf(move.from);
      const to = indexOf(move.to!);
      const across = state.zones[from] !== state.zones[to];
      if (across) assertAcrossKeepsBalance(state, s, from, to, tolerance);
      const landed = landingOf(state, s, from, to, move.landsOn?.map(indexOf), random, across, move.filler === true);
      moves++;
      // the completion gives up the started task instead when it landed as busy as the source or busier (surgeEnd.ts);
      // a filler always lands so (landingOf checks it)
      if (!across && load(state, landed) >= load(state, from)) {
        if (move.filler) fillers++;
        else undone++;
        continue;
      }
      state.services[s][from] -= 1;
      state.services[s][landed] += 1;
    }
  }
  throw new Error(`the load pass did not settle within ${WAVES} waves`);
}

/**
 * A move to another zone: the service holds one more task in the source's zone than in the landing
 * zone, which is its only emptiest, so the swap keeps its zones balanced; and every instance ECS may
 * pick there stays in its zone's band with the task.
 */
function assertAcrossKeepsBalance(state: ExactCluster, s: number, from: number, to: number, tolerance: number): void {
  const total = (zone: string) => state.zones.reduce((sum, z, i) => sum + (z === zone ? state.services[s][i] : 0), 0);
  assert.strictEqual(
    total(state.zones[from]),
    total(state.zones[to]) + 1,
    `s${s}: a move between zones that does not keep its zones balanced`,
  );
  const members = state.zones.flatMap((z, i) => (z === state.zones[to] ? [i] : []));
  const fewest = Math.min(...members.map((i) => state.services[s][i]));
  for (const tie of members.filter((i) => state.services[s][i] === fewest)) {
    const loads = members.map((i) => load(state, i) + (i === tie ? 1 : 0));
    const sum = loads.reduce((a, b) => a + b, 0);
    assert.ok(
      Math.abs(members.length * (load(state, tie) + 1) - sum) < members.length * tolerance + members.length,
      `s${s}: instance ${tie} would leave its zone's band`,
    );
  }
}

/** Waves before giving up: a coin flip that goes the wrong way is undone and tried again in the next wave. */
const WAVES = 80;

function load(state: ExactCluster, i: number): number {
  return state.fixed[i] + state.services.reduce((sum, counts) => sum + counts[i], 0);
}

/** ECS's pick among tied instances, at random: a small seeded generator, so that a failure replays. */
function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
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
    const planned = plan.moves.filter((m) => m.serviceName === `s${s}`).map((m) => state.zones[indexOf(m.to!)]);
    assert.deepStrictEqual([...planned].sort(), emptiest, `s${s}: moves in zones ${planned}, its emptiest zones are ${emptiest}`);
  }
}

/**
 * Inside the zone ECS picks an instance with the fewest tasks of the service, at random among ties.
 * Where the ties carry the same load any pick is the plan (the first stands for them all). Where
 * they do not, the plan must name them all (`landsOn`), and either each is lighter than the source
 * (the move gains or at worst swaps two loads) or at least half are two lighter (a gain; a pick of
 * another is undone by the completion). ECS's pick is then drawn at random, or the plan's (`random` absent).
 */
function landingOf(
  state: ExactCluster,
  s: number,
  from: number,
  to: number,
  landsOn: number[] | undefined,
  random: (() => number) | undefined,
  across: boolean,
  filler: boolean,
): number {
  const fewestIn = (zone: string) => Math.min(...state.zones.flatMap((z, i) => (z === zone ? [state.services[s][i]] : [])));
  assert.strictEqual(
    state.services[s][from],
    fewestIn(state.zones[from]) + 1,
    `s${s} moves from an instance holding one more than its fewest`,
  );
  const members = state.zones.flatMap((z, i) => (z === state.zones[to] ? [i] : []));
  const fewest = fewestIn(state.zones[to]);
  const ties = members.filter((i) => state.services[s][i] === fewest);
  assert.ok(ties.includes(to), `s${s}: instance ${to} does not hold its fewest tasks in its zone`);
  if (filler) {
    // a filler names the least busy source there is, so a pick lighter than it is a gain or a swap, never a loss;
    // the completion gives up the started task where the pick is at least as busy (the caller's check)
    const sources = members.filter((i) => state.services[s][i] === fewest + 1);
    assert.strictEqual(
      load(state, from),
      Math.min(...sources.map((i) => load(state, i))),
      `s${s}: a filler from a busier source than needed`,
    );
    return random ? ties[Math.floor(random() * ties.length)] : to;
  }
  if (ties.every((i) => load(state, i) === load(state, to))) return to;
  assert.deepStrictEqual([...(landsOn ?? [])].sort(), [...ties].sort(), `s${s}: a coin flip between ${ties} not named as one`);
  if (across || !random) return random ? ties[Math.floor(random() * ties.length)] : to;
  const below = ties.map((i) => load(state, from) - load(state, i));
  assert.ok(
    below.every((gap) => gap >= 1) || 2 * below.filter((gap) => gap >= 2).length >= below.length,
    `s${s}: a coin flip with too little chance of a gain (${ties.map((i) => load(state, i))} against ${load(state, from)})`,
  );
  return random ? ties[Math.floor(random() * ties.length)] : to;
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

/** Each service keeps its task count, its zones within one task of each other, and its instances within one inside each zone. */
function isBalancedLike(start: ExactCluster, end: ExactCluster): boolean {
  const zones = [...new Set(start.zones)];
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return start.services.every((counts, s) => {
    const inZone = zones.map((zone) => start.zones.flatMap((z, i) => (z === zone ? [end.services[s][i]] : [])));
    const totals = inZone.map(sum);
    return (
      sum(end.services[s]) === sum(counts) &&
      Math.max(...totals) - Math.min(...totals) <= 1 &&
      inZone.every((after) => Math.max(...after) - Math.min(...after) <= 1)
    );
  });
}

describe("cluster load pass against the exact solver (random small clusters)", function () {
  this.timeout(120000);

  /**
   * Each cluster twice: ECS placing every started task where the plan named (the plan's own quality:
   * its moves against the exact minimum), and ECS picking at random among the instances tied for the
   * service's fewest (what a cluster sees: coin flips that go the wrong way cost a move and are tried again).
   */
  function check(g: Gen, tally: Tally, bound: (exact: number) => number): void {
    const start = layout(g);
    const exact = exactLoadMoves(start, g.tolerance);
    const planned = converge(start, g.tolerance);
    const atRandom = converge(start, g.tolerance, seededRandom(seedOf(g)));
    assert.ok(isBalancedLike(start, planned.end), "a service lost its balance (as planned)");
    assert.ok(isBalancedLike(start, atRandom.end), "a service lost its balance (ECS at random)");
    tally.moves += atRandom.moves;
    tally.undone += atRandom.undone;
    tally.fillers += atRandom.fillers;
    if (exact.moves === undefined) return;
    // the solver itself: never below the bench's landing-free minimum (an independent flow)
    if (g.tolerance === 1) assert.ok(exact.moves >= landingFreeLowerBound(start)!, "the exact solver beat a lower bound");
    tally.reachable++;
    if (loadsByZone(atRandom.end).every((loads) => isZoneInBand(loads, g.tolerance))) tally.reachedAtRandom++;
    if (!loadsByZone(planned.end).every((loads) => isZoneInBand(loads, g.tolerance))) return;
    if (planned.moves <= bound(exact.moves)) tally.withinBound++;
  }

  interface Tally {
    reachable: number;
    /** In band as planned, within the bound on moves (fillers and undone coin flips count as moves). */
    withinBound: number;
    reachedAtRandom: number;
    moves: number;
    undone: number;
    fillers: number;
  }
  const tally = (): Tally => ({ reachable: 0, withinBound: 0, reachedAtRandom: 0, moves: 0, undone: 0, fillers: 0 });

  it("one zone: never unbalances a service; as planned, in band with at most 1.1 × the fewest moves in ≥ 97 % of the clusters where a layout is; at random, in band in ≥ 97 %", () => {
    const t = tally();
    fc.assert(
      fc.property(oneZone, (g) => check(g, t, (exact) => 1.1 * exact)),
      { numRuns: 3000, seed: 12 },
    );
    assert.ok(t.reachable > 500, `only ${t.reachable} clusters had a reachable band`);
    // measured with this seed: 989 of 990 as planned (each within the bound) and at random (960 when
    // the pass refused coin flips); at random, 664 of the 4,161 moves were coin flips undone (654 of
    // 4,149 while a flip kept its instances to itself: flips side by side cost about as much). The
    // price of the zones where nothing surer is left. The one left: a non-improving move must come first
    assert.ok(
      t.withinBound >= 0.97 * t.reachable,
      `as planned, in band within the bound in ${t.withinBound} of ${t.reachable} reachable clusters`,
    );
    assert.ok(t.reachedAtRandom >= 0.97 * t.reachable, `at random, in band in ${t.reachedAtRandom} of ${t.reachable} reachable clusters`);
    assert.ok(t.undone <= 0.2 * t.moves, `${t.undone} of ${t.moves} moves were coin flips undone`);
  });

  it("two and three zones: never unbalances a service, every move lands where ECS may put it; as planned, in band with at most 1.1 × the fewest moves + 1 in ≥ 98 % of the clusters where a layout is; at random, in band in ≥ 98 %", () => {
    const t = tally();
    fc.assert(
      fc.property(severalZones, (g) => check(g, t, (exact) => 1.1 * exact + 1)),
      { numRuns: 3000, seed: 12 },
    );
    assert.ok(t.reachable > 500, `only ${t.reachable} clusters had a reachable band`);
    // measured with this seed: 1,068 of 1,069 as planned (all 1,068 within the bound) and 1,069 at
    // random, since a filler may name a source busier than a pick (1,067 and 1,068 before); 1,058
    // before fillers, 1,040 (97.3 %) before swaps, coin flips and moves to another zone. At random,
    // of 2,714 moves 256 were coin flips undone and 514 fillers given up (2,726, 269 and 515 while a
    // flip kept its instances to itself; 2,580, 253 and 483 before that; 1,618 moves and 177 undone
    // before fillers): most of them in clusters where no layout is in band, which the pass still
    // evens as far as it can
    assert.ok(
      t.withinBound >= 0.98 * t.reachable,
      `as planned, in band within the bound in ${t.withinBound} of ${t.reachable} reachable clusters`,
    );
    assert.ok(t.reachedAtRandom >= 0.98 * t.reachable, `at random, in band in ${t.reachedAtRandom} of ${t.reachable} reachable clusters`);
    assert.ok(t.undone <= 0.2 * t.moves, `${t.undone} of ${t.moves} moves were coin flips undone`);
    assert.ok(t.fillers <= 0.25 * t.moves, `${t.fillers} of ${t.moves} moves were fillers`);
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

/**
 * Pinned moves (the default, surgePin.ts): ECS has no choice, so what is planned is what lands.
 * Every move must name its target's EC2 instance, never a coin flip or a filler; it stays in its
 * zone and keeps the service balanced (from an instance holding one more than the service's fewest
 * there, to one holding the fewest). The exact solver's minimum is the one to meet.
 */
function convergePinned(start: ExactCluster, tolerance: number): { moves: number; end: ExactCluster } {
  const state: ExactCluster = { ...start, services: start.services.map((c) => [...c]) };
  let moves = 0;
  for (let wave = 0; wave < WAVES; wave++) {
    const plan = planWave(state, tolerance, true);
    if (plan.moves.length === 0) return { moves, end: state };
    for (const move of plan.moves) {
      const s = Number(move.serviceName.slice(1));
      const from = indexOf(move.from);
      const to = indexOf(move.to!);
      assert.strictEqual(move.pin, `i-${String(to).padStart(17, "0")}`, `s${s}: a load move not pinned to its target`);
      assert.ok(move.landsOn === undefined && move.filler === undefined, `s${s}: a coin flip or filler although pinned`);
      assert.strictEqual(state.zones[from], state.zones[to], `s${s}: a pinned move between zones`);
      const counts = state.zones.flatMap((z, i) => (z === state.zones[to] ? [state.services[s][i]] : []));
      assert.strictEqual(state.services[s][to], Math.min(...counts), `s${s}: pinned to an instance above its fewest`);
      assert.strictEqual(state.services[s][from], Math.min(...counts) + 1, `s${s}: moved from an instance not one above its fewest`);
      state.services[s][from] -= 1;
      state.services[s][to] += 1;
      moves++;
    }
  }
  throw new Error(`the load pass did not settle within ${WAVES} waves`);
}

describe("cluster load pass against the exact solver, moves pinned (random small clusters)", function () {
  this.timeout(120000);
  const cases: Array<[string, fc.Arbitrary<Gen>, (exact: number) => number, number]> = [
    ["one zone: in band with at most 1.1 × the fewest moves", oneZone, (exact) => 1.1 * exact, 0.99],
    ["two and three zones: in band with at most 1.1 × the fewest moves + 1", severalZones, (exact) => 1.1 * exact + 1, 0.99],
  ];
  for (const [name, generator, bound, share] of cases) {
    it(`${name}, in ≥ ${share * 100} % of the clusters where a layout is; never unbalances a service`, () => {
      let reachable = 0;
      let within = 0;
      fc.assert(
        fc.property(generator, (g) => {
          const start = layout(g);
          const exact = exactLoadMoves(start, g.tolerance);
          const pinned = convergePinned(start, g.tolerance);
          assert.ok(isBalancedLike(start, pinned.end), "a service lost its balance");
          if (exact.moves === undefined) return;
          reachable++;
          if (loadsByZone(pinned.end).every((loads) => isZoneInBand(loads, g.tolerance)) && pinned.moves <= bound(exact.moves)) within++;
        }),
        { numRuns: 3000, seed: 12 },
      );
      assert.ok(reachable > 500, `only ${reachable} clusters had a reachable band`);
      // measured with this seed: 989 of 990 with one zone (unpinned, as planned: 989 of 990 too),
      // 1,069 of 1,069 with several; unpinned, 1,069 needed 514 fillers and 256 undone flips at random
      assert.ok(within >= share * reachable, `in band within the bound in ${within} of ${reachable} reachable clusters`);
    });
  }
});
