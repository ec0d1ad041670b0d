/**
 * An exact solver for the cluster load objective on small clusters, written apart from the planner
 * (no code shared with handler/clusterLoad/) so that the property spec does not grade the planner
 * with its own arithmetic: a breadth-first search over layouts, one task move per step, so the
 * first layout in band is reached with the fewest moves.
 *
 * The rules, from ECS's documented behaviour and the objective's order:
 * - fixed tasks never move; every instance has room (tasks of equal size, capacity ample);
 * - a service stays balanced: a move takes a task from an instance holding one more than the
 *   service's fewest in the zone, to an instance holding the fewest (its counts swap);
 * - the move must land: it starts a task first, which ECS places in the zone with the fewest tasks
 *   of the service (so that zone must be among the service's emptiest), on an instance of the zone
 *   with the fewest tasks of the service, picking at random among ties; so every tied instance
 *   must carry the same load (any pick is as good) — otherwise the move cannot be planned;
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
  /** Fewest moves to put every zone in band, or undefined when no layout does. */
  moves: number | undefined;
}

export function exactLoadMoves(cluster: ExactCluster, tolerance: number): ExactResult {
  let total = 0;
  for (const zone of new Set(cluster.zones)) {
    const members = cluster.zones.map((z, i) => (z === zone ? i : -1)).filter((i) => i >= 0);
    const best = cheapestInZone(cluster, zone, members, tolerance);
    if (best === undefined) return { moves: undefined };
    total += best;
  }
  return { moves: total };
}

export function isZoneInBand(loads: number[], tolerance: number): boolean {
  const n = loads.length;
  const sum = loads.reduce((a, b) => a + b, 0);
  // |load − sum/n| < T, multiplied through by n
  return loads.every((load) => Math.abs(n * load - sum) < n * tolerance);
}

function cheapestInZone(cluster: ExactCluster, zone: string, members: number[], tolerance: number): number | undefined {
  const movable = cluster.services.map((counts) => isMovableIn(cluster, counts, zone));
  const start = cluster.services.map((counts) => members.map((i) => counts[i]));
  const loadsOf = (state: number[][]) => members.map((i, j) => cluster.fixed[i] + state.reduce((acc, counts) => acc + counts[j], 0));
  const seen = new Set([JSON.stringify(start)]);
  let frontier = [start];
  for (let moves = 0; frontier.length > 0 && moves <= 30; moves++) {
    const next: number[][][] = [];
    for (const state of frontier) {
      const loads = loadsOf(state);
      if (isZoneInBand(loads, tolerance)) return moves;
      state.forEach((counts, s) => {
        if (!movable[s]) return;
        const fewest = Math.min(...counts);
        const ties = counts.map((n, j) => (n === fewest ? j : -1)).filter((j) => j >= 0);
        if (!ties.every((j) => loads[j] === loads[ties[0]])) return;
        counts.forEach((n, from) => {
          if (n !== fewest + 1) return;
          const after = state.map((c) => [...c]);
          after[s][from] -= 1;
          after[s][ties[0]] += 1;
          const key = JSON.stringify(after);
          if (!seen.has(key)) {
            seen.add(key);
            next.push(after);
          }
        });
      });
    }
    frontier = next;
  }
  return undefined;
}

function isMovableIn(cluster: ExactCluster, counts: number[], zone: string): boolean {
  const perZone = new Map<string, number>();
  cluster.zones.forEach((z, i) => perZone.set(z, (perZone.get(z) ?? 0) + counts[i]));
  return perZone.get(zone)! === Math.min(...perZone.values());
}
