import type { Service } from "@aws-sdk/client-ecs";
import { Distribution } from "../balance";
import type { Move } from "../planner";
import { ServiceLayout } from "../serviceLayout";

/**
 * Pairs each removal of a balanced distribution with an addition. Removals are ordered so that the
 * instance holding the most of the service's tasks gives first: a partial wave (budgets, deployment
 * bounds) still moves the tasks that matter most. The task that leaves an instance is the first of
 * `layout.tasksOn` (leavingTask.ts decides that order, for every pass). Each removal takes an
 * addition in its own zone where there is one left.
 */
export function movesFor(service: Service, layout: ServiceLayout, distribution: Distribution): Move[] {
  const givers = [...distribution.removals].map(([id, count]) => {
    const tasks = layout.tasksOn(id);
    return { id, tasks, remaining: tasks.length, toGive: count };
  });
  const targets = distribution.additions.flatMap((a) => Array.from({ length: a.count }, () => a));
  const moves: Move[] = [];
  while (givers.length > 0) {
    let at = 0;
    for (let i = 1; i < givers.length; i++) {
      const [best, other] = [givers[at], givers[i]];
      if (other.remaining > best.remaining || (other.remaining === best.remaining && compareText(other.id, best.id) < 0)) at = i;
    }
    const giver = givers[at];
    const task = giver.tasks[giver.tasks.length - giver.remaining];
    giver.remaining--;
    if (--giver.toGive === 0) givers.splice(at, 1);
    // a target in the giver's own zone first: a surge that takes only some of the moves (budgets,
    // or the moves that land, surgeLanding.ts) then leaves the zones' counts as they were
    const zone = layout.pathOf(giver.id)?.[0];
    const inZone = zone === undefined ? -1 : targets.findIndex((t) => (t.group[0] ?? "") === zone);
    const [target] = targets.splice(Math.max(0, inZone), 1);
    moves.push({
      service: service.serviceArn!,
      serviceName: service.serviceName!,
      taskArn: task.taskArn!,
      from: giver.id,
      to: target?.slotId ?? null,
      toGroup: target?.group ?? [],
      pass: "spread",
    });
  }
  return moves;
}

/** Plain code-unit order (not locale order): a plan is the same on every machine and run. */
export function compareText(a: string | undefined, b: string | undefined): number {
  return (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;
}
