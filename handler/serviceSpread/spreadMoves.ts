import type { Service } from "@aws-sdk/client-ecs";
import { Addition, Distribution } from "../balance";
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
  const targets = new ZoneQueues(distribution.additions.flatMap((a) => Array.from({ length: a.count }, () => a)));
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
    const target = targets.take(layout.pathOf(giver.id)?.[0]);
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

/** The additions in order, taken first from a given zone (a group's first level) and else the first left. */
class ZoneQueues {
  private readonly taken: boolean[];
  private readonly byZone = new Map<string, number[]>();
  private next = 0;

  constructor(private readonly targets: Addition[]) {
    this.taken = targets.map(() => false);
    targets.forEach((target, i) => {
      const list = this.byZone.get(target.group[0] ?? "");
      if (list) list.push(i);
      else this.byZone.set(target.group[0] ?? "", [i]);
    });
  }

  take(zone: string | undefined): Addition | undefined {
    const list = zone === undefined ? undefined : this.byZone.get(zone);
    while (list && list.length > 0 && this.taken[list[0]]) list.shift();
    let at = list && list.length > 0 ? list.shift()! : undefined;
    if (at === undefined) {
      while (this.next < this.targets.length && this.taken[this.next]) this.next++;
      if (this.next === this.targets.length) return undefined;
      at = this.next;
    }
    this.taken[at] = true;
    return this.targets[at];
  }
}

/** Plain code-unit order (not locale order): a plan is the same on every machine and run. */
export function compareText(a: string | undefined, b: string | undefined): number {
  return (a ?? "") < (b ?? "") ? -1 : (a ?? "") > (b ?? "") ? 1 : 0;
}
