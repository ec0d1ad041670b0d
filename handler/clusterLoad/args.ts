/**
 * The cluster load pass's arguments, defaults and validation (the descheduler's plugin layout).
 *
 * `bandTasks` is the tolerance, in tasks, measured from the zone's average as the descheduler's
 * deviation thresholds are: an instance is in band when its task count is strictly within
 * `bandTasks` of the average task count of its zone's instances. The default, 1, means the
 * instances of a zone end within one task of each other; 2 tolerates up to 3 between the fullest
 * and the emptiest, for users who prefer fewer restarts; 0 turns the pass off.
 *
 * `pinMoves`: a load move's started task is pinned to its planned instance by a placement
 * constraint while its surge lasts (surgePin.ts), so that it lands there, not where ECS's coin flip
 * between tied instances or zones would put it. Off, moves are planned only where ECS's own placement
 * lands them (coin flips, partners and fillers: loadPass.ts), for users who want no change to their
 * services' constraints, even a passing one.
 */
export interface ClusterLoadArgs {
  bandTasks: number;
  pinMoves: boolean;
}

export const DEFAULT_CLUSTER_LOAD_ARGS: ClusterLoadArgs = { bandTasks: 1, pinMoves: true };

/** A band wider than this is no band: the pass would never move anything on a real cluster. */
export const MAX_BAND_TASKS = 100;

/** The args as written in stack config: an integer 0..MAX_BAND_TASKS, or `false` for 0. */
export function parseBandTasks(raw: unknown): number | { error: string } {
  if (raw === false || raw === "false") return 0;
  const value = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_BAND_TASKS) {
    return { error: `expected an integer from 0 to ${MAX_BAND_TASKS} (tasks from the zone's average), or false to turn the pass off` };
  }
  return value;
}

export function isLoadPassOn(args: ClusterLoadArgs): boolean {
  return args.bandTasks > 0;
}
