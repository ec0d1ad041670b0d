import { Move } from "./planner";

/** Limits on how much one run may disturb, in the spirit of the descheduler's eviction limits. */
export interface Budgets {
  maxMovesPerRun: number;
  maxMovesPerService: number;
  /** Stops from one container instance in one run. */
  maxMovesPerInstance: number;
}

/**
 * Takes moves in plan order (the planner puts the most valuable move of each service first) while
 * every budget allows; the rest wait for a later run, which re-plans from fresh state anyway.
 *
 * Moves that land only together (Move.withNext) are taken whole or left whole: cut, the surge's
 * tasks go where ECS breaks a tie, and the completion gives back what landed wrong (on 3->6 with
 * 50 services, the per-instance budget split such pairs and one service surged twice for a move).
 * A group larger than a budget could ever allow is taken move by move, as the plan has no other
 * way to make them (a coin flip rather than never).
 */
export function selectWithinBudgets(moves: Move[], budgets: Budgets): { selected: Move[]; deferred: Move[] } {
  const selected: Move[] = [];
  const deferred: Move[] = [];
  const perService = new Map<string, number>();
  const perInstance = new Map<string, number>();
  const fits = (group: Move[]) =>
    selected.length + group.length <= budgets.maxMovesPerRun &&
    (perService.get(group[0].service) ?? 0) + group.length <= budgets.maxMovesPerService &&
    [...countBy(group, (m) => m.from)].every(([from, n]) => (perInstance.get(from) ?? 0) + n <= budgets.maxMovesPerInstance);
  for (const whole of landingGroups(moves)) {
    for (const group of fitsEver(whole, budgets) ? [whole] : whole.map((move) => [move])) {
      if (!fits(group)) {
        deferred.push(...group);
        continue;
      }
      selected.push(...group);
      perService.set(group[0].service, (perService.get(group[0].service) ?? 0) + group.length);
      for (const move of group) perInstance.set(move.from, (perInstance.get(move.from) ?? 0) + 1);
    }
  }
  const order = new Map(moves.map((move, i) => [move, i]));
  const byPlan = (a: Move, b: Move) => order.get(a)! - order.get(b)!;
  return { selected: selected.sort(byPlan), deferred: deferred.sort(byPlan) };
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

function fitsEver(group: Move[], budgets: Budgets): boolean {
  if (group.length > Math.min(budgets.maxMovesPerRun, budgets.maxMovesPerService)) return false;
  return [...countBy(group, (m) => m.from).values()].every((n) => n <= budgets.maxMovesPerInstance);
}

function countBy<T>(items: T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
