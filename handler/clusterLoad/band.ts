/**
 * The band of a zone: the integer task counts strictly within `tolerance` of the average of its
 * instances' task counts. With tolerance 1 that is {⌊avg⌋, ⌈avg⌉}: every instance within one task
 * of every other. An instance above `high` is over-used, below `low` under-used; the instances in
 * between are left alone, so a small difference moves nothing.
 */
export interface Band {
  tolerance: number;
  average: number;
  low: number;
  high: number;
}

export function bandOf(loads: readonly number[], tolerance: number): Band {
  const n = loads.length;
  let sum = 0;
  for (const load of loads) sum += load;
  if (n === 0) return { tolerance, average: 0, low: 0, high: 0 };
  // integer arithmetic: low is the least L with n·L > sum − n·T, high the most with n·L < sum + n·T
  const low = Math.floor((sum - n * tolerance) / n) + 1;
  const high = Math.ceil((sum + n * tolerance) / n) - 1;
  return { tolerance, average: sum / n, low: Math.max(0, low), high };
}

export function isInBand(load: number, band: Band): boolean {
  return load >= band.low && load <= band.high;
}

/** How far outside the band the zone is: the sum over instances of the tasks beyond it. */
export function bandExcess(loads: readonly number[], band: Band): number {
  let excess = 0;
  for (const load of loads) excess += Math.max(0, load - band.high) + Math.max(0, band.low - load);
  return excess;
}
