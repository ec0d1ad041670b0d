import { ClusterMeasures, fewestMovesForBandReached } from "./clusterMeasures";

/**
 * A lower bound on the moves of any rebalancer that reaches the band after every step of a
 * scenario, not only after the last one. The end-state oracle (fewestMovesForBandReached from ECS
 * alone's end) is a lower bound too, and a loose one where a scenario scales in before it scales out:
 * the objective asks for the band after the scale-in as well, and the oracle, starting from where ECS
 * alone ends after both steps, counts none of those moves. This bound adds, step by step:
 *
 * - the first step: the exact minimum from where ECS alone leaves that step (the state every
 *   rebalancer faces) to the band ours reached at its end, each movable service with the per-zone
 *   counts ours had then (the end-state oracle's convention);
 * - each later step that only adds instances: the movable tasks that its new instances must hold
 *   to be in the band ours reached. A new instance starts with none, and ECS places none there by
 *   itself when no service's running count changes, so each is a task a rebalancer moved there in
 *   that step. In a zone of n instances holding T tasks in all, with max − min ≤ w, every instance
 *   holds at least ceil((T − w(n − 1)) / n), less the fixed tasks (a DAEMON's) on it;
 * - any other step: nothing (a bound, never an estimate).
 *
 * Both bounds hold for every rebalancer, so the larger is the one to compare with.
 */
export function fewestMovesOverSteps(aloneFirstEnd: ClusterMeasures, oursEnds: ClusterMeasures[]): number | undefined {
  const first = fewestMovesForBandReached(aloneFirstEnd, oursEnds[0]);
  if (first === undefined) return undefined;
  let total = first;
  for (let k = 1; k < oursEnds.length; k++) total += tasksOntoNewInstances(oursEnds[k - 1], oursEnds[k]);
  return total;
}

/** The movable tasks the instances new between two step ends must hold in the band reached; 0 unless the step only added instances. */
export function tasksOntoNewInstances(previous: ClusterMeasures, end: ClusterMeasures): number {
  const before = new Set(Object.values(previous.loadZones).flatMap((zone) => zone.instances));
  const after = new Set(Object.values(end.loadZones).flatMap((zone) => zone.instances));
  if ([...before].some((arn) => !after.has(arn)) || !sameMovableTotals(previous, end)) return 0;
  let total = 0;
  for (const [zone, { instances, fixed, services }] of Object.entries(end.loadZones)) {
    const n = instances.length;
    const tasks =
      fixed.reduce((a, b) => a + b, 0) + Object.values(services).reduce((sum, counts) => sum + counts.reduce((a, b) => a + b, 0), 0);
    const least = Math.ceil((tasks - end.zoneBands[zone] * (n - 1)) / n);
    instances.forEach((arn, i) => {
      if (!before.has(arn)) total += Math.max(0, least - fixed[i]);
    });
  }
  return total;
}

/** Whether every movable service runs as many tasks at both ends (ECS started or stopped none of its own). */
function sameMovableTotals(previous: ClusterMeasures, end: ClusterMeasures): boolean {
  const totals = (m: ClusterMeasures) => {
    const byService = new Map<string, number>();
    for (const zone of Object.values(m.loadZones)) {
      for (const [name, counts] of Object.entries(zone.services))
        byService.set(name, (byService.get(name) ?? 0) + counts.reduce((a, b) => a + b, 0));
    }
    return byService;
  };
  const a = totals(previous);
  const b = totals(end);
  return a.size === b.size && [...a].every(([name, count]) => b.get(name) === count);
}

/**
 * The moves target's limit, 1.1 × the fewest moves + 1, the fewest being the larger of the lower
 * bounds known (the end-state oracle's, this one's); undefined when neither is.
 */
export function movesLimit(...bounds: Array<number | null | undefined>): number | undefined {
  const known = bounds.filter((b): b is number => typeof b === "number");
  return known.length === 0 ? undefined : 1.1 * Math.max(...known) + 1;
}
