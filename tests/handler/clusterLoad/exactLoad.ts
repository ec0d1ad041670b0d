/**
 * An exact solver for the cluster load objective on small clusters, written apart from the planner
 * (no code shared with handler/clusterLoad/) so that the property spec does not grade the planner
 * with its own arithmetic: a uniform-cost search over whole-cluster layouts, one landable step at
 * a time, so the first layout with every zone in band is reached with the fewest task moves.
 *
 * The rules, from ECS's documented behaviour and the objective's order:
 * - fixed tasks never move; every instance has room (tasks of equal size, capacity ample);
 * - a service stays balanced: a move takes a task from an instance holding one more than the
 *   service's fewest in the zone, to an instance holding the fewest (its counts swap), so a move
 *   stays in its zone and the service's zone totals never change;
 * - the move must land: it starts a task first, which ECS places in the zone with the fewest tasks
 *   of the service, at random among tied zones. So one step of a service is one surge that adds a
 *   task to each of its emptiest zones at once, with one move in each of them (the step costs as
 *   many moves as there are such zones); a zone the surge cannot make a move in blocks the step.
 *   Inside a zone ECS picks an instance with the fewest tasks of the service, at random among ties,
 *   so every tied instance must carry the same load (any pick is as good) — otherwise the move
 *   cannot be planned; the first tie stands for them all;
 * - a zone is in band T when every instance's task count is strictly within T of the zone average.
 */
export interface ExactCluster {
  /** Zone of each instance. */
  zones: string[];
  /** Fixed tasks on each instance. */
  fixed: number[];
  /** Movable services: tasks per instance. */
  services: number[][];
}

export interface ExactResult {
  /** Fewest moves to put every zone in band, or undefined when no layout within MOST_MOVES does. */
  moves: number | undefined;
}

/** The search gives up beyond this many moves (the property's clusters need far fewer). */
const MOST_MOVES = 30;

export function exactLoadMoves(cluster: ExactCluster, tolerance: number): ExactResult {
  const zoneNames = [...new Set(cluster.zones)].sort();
  const members = zoneNames.map((zone) => cluster.zones.flatMap((z, i) => (z === zone ? [i] : [])));
  // zone totals never change (moves stay in their zone), so each service's emptiest zones are fixed
  const emptiest = cluster.services.map((counts) => {
    const totals = members.map((instances) => instances.reduce((sum, i) => sum + counts[i], 0));
    const least = Math.min(...totals);
    return totals.flatMap((total, z) => (total === least ? [z] : []));
  });
  const best = new Map<string, number>();
  // buckets by cost: a step costs 1, 2 or 3 moves, so this is Dijkstra with a bucket queue
  const buckets: number[][][][] = Array.from({ length: MOST_MOVES + 1 }, () => []);
  best.set(key(cluster.services), 0);
  buckets[0].push(cluster.services);
  for (let cost = 0; cost <= MOST_MOVES; cost++) {
    for (const state of buckets[cost]) {
      if (best.get(key(state))! < cost) continue;
      const loads = loadsOf(cluster, state);
      if (
        members.every((instances) =>
          isZoneInBand(
            instances.map((i) => loads[i]),
            tolerance,
          ),
        )
      )
        return { moves: cost };
      state.forEach((_, s) => {
        const perZone = emptiest[s].map((z) => movesInZone(state[s], members[z], loads));
        if (perZone.some((moves) => moves.length === 0)) return;
        const next = cost + perZone.length;
        if (next > MOST_MOVES) return;
        for (const combination of product(perZone)) {
          const after = state.map((counts) => [...counts]);
          for (const [from, to] of combination) {
            after[s][from] -= 1;
            after[s][to] += 1;
          }
          const k = key(after);
          if ((best.get(k) ?? Infinity) <= next) continue;
          best.set(k, next);
          buckets[next].push(after);
        }
      });
    }
  }
  return { moves: undefined };
}

export function isZoneInBand(loads: number[], tolerance: number): boolean {
  const n = loads.length;
  const sum = loads.reduce((a, b) => a + b, 0);
  // |load − sum/n| < T, multiplied through by n
  return loads.every((load) => Math.abs(n * load - sum) < n * tolerance);
}

/** The service's landable moves inside one zone, as [from, to]: none when ECS's pick is a coin flip. */
function movesInZone(counts: number[], instances: number[], loads: number[]): Array<[number, number]> {
  const fewest = Math.min(...instances.map((i) => counts[i]));
  const ties = instances.filter((i) => counts[i] === fewest);
  if (!ties.every((i) => loads[i] === loads[ties[0]])) return [];
  return instances.filter((i) => counts[i] === fewest + 1).map((from): [number, number] => [from, ties[0]]);
}

function loadsOf(cluster: ExactCluster, state: number[][]): number[] {
  return cluster.fixed.map((fixed, i) => fixed + state.reduce((sum, counts) => sum + counts[i], 0));
}

/** Every way to pick one element of each list. */
function product<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]]);
}

function key(state: number[][]): string {
  return state.map((counts) => counts.join(",")).join("|");
}
