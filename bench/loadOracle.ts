import { FlowNetwork } from "./minCostFlow";

/**
 * The fewest task moves that reach a given load band, computed apart from the planner (a min-cost
 * flow, not its greedy) so that the bench does not grade the planner with its own code.
 *
 * Per zone, every movable service keeps a given task count in the zone and is balanced inside it
 * (each instance ⌊k/n⌋ or ⌈k/n⌉ of its k tasks over n instances); fixed tasks stay. Every instance
 * first gets ⌊k/n⌋ of each service; the services' remaining tasks flow to distinct instances, one
 * per instance, each saving a move where the instance already holds more than ⌊k/n⌋. Instance
 * totals must lie in a window [A, A + width]; a lower bound is an edge of cost −M that a feasible
 * flow fills. The least cost over every A is the answer. Tasks of equal size and ample room are
 * assumed (true of the bench's load scenarios), and where ECS would place a started task is not:
 * the result is a lower bound on what any rebalancer can do.
 */
export interface LoadZone {
  /** Fixed tasks per instance of the zone. */
  fixed: number[];
  /** Movable services: tasks per instance now, and the task count the zone must end with. */
  services: Array<{ counts: number[]; target: number }>;
}

const M = 1_000_000;

/** Fewest moves to put the zone's instances within `width` tasks of each other; undefined if none. */
export function fewestMovesToBand(zone: LoadZone, width: number): number | undefined {
  const n = zone.fixed.length;
  if (n === 0) return 0;
  let baseCost = 0;
  const base = [...zone.fixed];
  for (const { counts, target } of zone.services) {
    const low = Math.floor(target / n);
    counts.forEach((c, i) => {
      base[i] += low;
      baseCost += Math.max(0, c - low);
    });
  }
  const extra = zone.services.reduce((sum, s) => sum + (s.target % n), 0);
  let best: number | undefined;
  // the lowest total is at most the average and the highest at least it: A ≤ ⌊avg⌋, A + width ≥ ⌈avg⌉
  const total = base.reduce((a, b) => a + b, 0) + extra;
  for (let low = Math.max(0, Math.ceil(total / n) - width); low <= Math.floor(total / n); low++) {
    const saved = windowSavings(zone, base, low, low + width, extra);
    if (saved !== undefined && (best === undefined || baseCost - saved < best)) best = baseCost - saved;
  }
  return best;
}

/** The most moves the remaining tasks can save with every instance total in [low, high]; undefined if infeasible. */
function windowSavings(zone: LoadZone, base: number[], low: number, high: number, extra: number): number | undefined {
  const n = base.length;
  const services = zone.services.filter((s) => s.target % n > 0);
  const source = 0;
  const sink = 1;
  const serviceNode = (k: number) => 2 + k;
  const instanceNode = (i: number) => 2 + services.length + i;
  const network = new FlowNetwork(2 + services.length + n);
  let required = 0;
  services.forEach((s, k) => {
    const floor = Math.floor(s.target / n);
    network.addEdge(source, serviceNode(k), s.target % n, 0);
    s.counts.forEach((c, i) => network.addEdge(serviceNode(k), instanceNode(i), 1, c > floor ? -1 : 0));
  });
  for (let i = 0; i < n; i++) {
    const least = Math.max(0, low - base[i]);
    const most = high - base[i];
    if (most < least) return undefined;
    required += least;
    network.addEdge(instanceNode(i), sink, least, -M);
    network.addEdge(instanceNode(i), sink, most - least, 0);
  }
  const { flow, cost } = network.minCostFlow(source, sink, extra);
  const filled = Math.floor(-cost / M);
  if (flow < extra || filled < required) return undefined;
  return -(cost + required * M);
}
