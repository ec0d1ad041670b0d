import type { Move } from "./planner";

/**
 * Moves that land only together (Move.withNext): where a service's zones tie, ECS puts a surge's
 * tasks where planned only for a whole set of moves (surgeLanding.ts; a load move with its partner
 * or filler, clusterLoad/loadPass.ts). The passes mark a set with `landingTogether`; the budgets
 * (budget.ts) and the executor's maximumPercent read it back with `landingGroups` and
 * `wholeGroupsWithin`, and take a set whole or leave it whole.
 */

/** The moves as one set that lands only together: `withNext` on each but the last. */
export function landingTogether(moves: Move[]): Move[] {
  return moves.map((move, i) => (i < moves.length - 1 ? { ...move, withNext: true } : move));
}

/**
 * The plan's moves in groups that land together: a service's move with `withNext` and its next
 * move of the same service, and so on; groups in the order of their first move.
 */
export function landingGroups(moves: Move[]): Move[][] {
  const groups: Move[][] = [];
  const open = new Map<string, Move[]>();
  for (const move of moves) {
    let group = open.get(move.service);
    if (!group) groups.push((group = []));
    group.push(move);
    if (move.withNext) open.set(move.service, group);
    else open.delete(move.service);
  }
  return groups;
}

/** How many of a service's moves, in order, a surge of at most `room` extra tasks takes without cutting a group; 0 if not even the first group fits. */
export function wholeGroupsWithin(moves: Move[], room: number): number {
  let taken = 0;
  for (let i = 0; i < Math.min(moves.length, room); i++) if (!moves[i].withNext) taken = i + 1;
  return taken;
}
