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
 */
export function selectWithinBudgets(moves: Move[], budgets: Budgets): { selected: Move[]; deferred: Move[] } {
  const selected: Move[] = [];
  const deferred: Move[] = [];
  const perService = new Map<string, number>();
  const perInstance = new Map<string, number>();
  for (const move of moves) {
    const fits =
      selected.length < budgets.maxMovesPerRun &&
      (perService.get(move.service) ?? 0) < budgets.maxMovesPerService &&
      (perInstance.get(move.from) ?? 0) < budgets.maxMovesPerInstance;
    if (!fits) {
      deferred.push(move);
      continue;
    }
    selected.push(move);
    perService.set(move.service, (perService.get(move.service) ?? 0) + 1);
    perInstance.set(move.from, (perInstance.get(move.from) ?? 0) + 1);
  }
  return { selected, deferred };
}
