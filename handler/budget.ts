import { landingGroups } from "./landingGroup";
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
  const used: Usage = { run: 0, perService: new Map(), perInstance: new Map() };
  // a group that would not fit even an empty run
  const none: Usage = { run: 0, perService: new Map(), perInstance: new Map() };
  for (const whole of landingGroups(moves)) {
    for (const group of fits(whole, none, budgets) ? [whole] : whole.map((move) => [move])) {
      if (!fits(group, used, budgets)) {
        deferred.push(...group);
        continue;
      }
      selected.push(...group);
      used.run += group.length;
      used.perService.set(group[0].service, (used.perService.get(group[0].service) ?? 0) + group.length);
      for (const move of group) used.perInstance.set(move.from, (used.perInstance.get(move.from) ?? 0) + 1);
    }
  }
  // in group order: each service's moves keep their plan order, which is all the executor reads
  return { selected, deferred };
}

/** What the moves taken so far in a run count against the budgets. */
interface Usage {
  run: number;
  perService: Map<string, number>;
  perInstance: Map<string, number>;
}

/** Whether one service's group of moves fits the budgets on top of `used`. */
function fits(group: Move[], used: Usage, budgets: Budgets): boolean {
  if (used.run + group.length > budgets.maxMovesPerRun) return false;
  if ((used.perService.get(group[0].service) ?? 0) + group.length > budgets.maxMovesPerService) return false;
  const fromEach = new Map<string, number>();
  for (const move of group) fromEach.set(move.from, (fromEach.get(move.from) ?? 0) + 1);
  return [...fromEach].every(([from, n]) => (used.perInstance.get(from) ?? 0) + n <= budgets.maxMovesPerInstance);
}
