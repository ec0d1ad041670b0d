import type { Service, Task } from "@aws-sdk/client-ecs";
import { Distribution, distribute, Slot } from "../balance";
import { SkipReason } from "../eligibility";
import { pickLeavingTasks } from "../leavingTask";
import type { Move, SurgeAction } from "../planner";
import { ClusterState, eligibleLayout, ServiceLayout, ServiceTasks } from "../serviceLayout";
import { unpinnedConstraints } from "../surgePin";
import { Surge, surgeMisfit, taskId, UnreadableSurge } from "../surgeTag";
import { movesFor } from "./spreadMoves";

/**
 * A service with a surge of ours recorded on it (a start-before-stop move of either pass, see
 * surgeTag.ts) is not spread again: the surge is ended. It is finished when ECS has placed the
 * extra tasks: the tasks to give up are the ones the planned moves take away (the tag's `give`),
 * when the service is balanced without them; otherwise the surplus of a balanced distribution of the
 * original desired count over where the tasks now are (balance.ts breaks its ties). That fallback
 * is made fresh from the current state, so it stays right even if ECS placed the extra tasks elsewhere. A surge that
 * is not steady within `surgeTimeoutSeconds` is rolled back; a tag that is not ours, or no longer
 * fits, is forgotten.
 *
 * A surge pinned to an instance (surgePin.ts) is planned on the service as it was before the pin,
 * and every way it ends, forgetting included, carries the constraints to write back: the pin is
 * ours whenever the tag's proof is (a tag that is not ours never changes a constraint).
 */
export function planSurgeEnd(
  pinnedService: Service,
  tasks: ServiceTasks,
  surge: Surge | UnreadableSurge,
  cluster: ClusterState,
  options: { now: Date; surgeTimeoutSeconds: number },
): SurgeAction | SkipReason {
  const restore = "pin" in surge && surge.pin ? unpinnedConstraints(pinnedService, surge.pin) : undefined;
  const service = restore ? { ...pinnedService, placementConstraints: restore } : pinnedService;
  const ids = { service: service.serviceArn!, serviceName: service.serviceName! };
  const unpin = restore ? { restoreConstraints: restore } : {};
  // a tag that is not ours, or no longer fits the service, is forgotten: never acted on
  const misfit = "problem" in surge ? surge.problem : surgeMisfit(service, surge, options.now);
  if (misfit !== undefined || "problem" in surge) return { kind: "forget", ...ids, ...unpin, detail: misfit! };
  const layout = eligibleLayout(service, tasks, cluster);
  if ("code" in layout) {
    const ageSeconds = (options.now.getTime() - surge.startedAt.getTime()) / 1000;
    // a pin holds every placement of the service to one instance, replacements included: it is
    // given up sooner, and at once where that instance can take no task
    const pinLost = restore !== undefined && !cluster.available.some((instance) => instance.ec2InstanceId === surge.pin);
    const timeout = restore ? Math.min(options.surgeTimeoutSeconds, PIN_TIMEOUT_SECONDS) : options.surgeTimeoutSeconds;
    if (ageSeconds > timeout || pinLost) {
      // up to `from` running tasks are kept (scale-in protected before the count is lowered), so
      // that ECS's scale-in takes the extra tasks that never started, not a running task; of more
      // than `from` running, the ones that leave first (leavingTask.ts: an UNHEALTHY one) go
      const running = tasks.tasks.filter((t) => t.desiredStatus === "RUNNING" && t.lastStatus === "RUNNING");
      const givenUp = new Set(pickLeavingTasks(running, running.length - surge.from));
      const keep = running.filter((t) => !givenUp.has(t)).map((t) => t.taskArn!);
      const why = pinLost ? `the pinned instance ${surge.pin} takes no tasks now; ` : "";
      return { kind: "rollback", ...ids, ...unpin, surge, detail: `${why}${layout.code}: ${layout.detail}`, keep };
    }
    return { code: "surge-in-flight", detail: `${layout.code}: ${layout.detail}` };
  }
  // every task not stopped is kept (scale-in protected before the count is lowered)
  const complete = (stop: Move[]): SurgeAction => {
    const stopped = new Set(stop.map((m) => m.taskArn));
    return { kind: "complete", ...ids, ...unpin, surge, stop, keep: tasks.tasks.map((t) => t.taskArn!).filter((arn) => !stopped.has(arn)) };
  };
  const planned = plannedGiveUps(surge, tasks, layout, ids);
  if (planned) return complete(planned);
  // never stop more than the surge added: if the extra tasks did not land where planned (an
  // instance was lost, say), stopping every surplus would leave fewer than `from` tasks running
  const distribution = distribute(layout.slots, surge.from);
  return complete(
    netSurplus(movesFor(service, layout, distribution), distribution, layout)
      .slice(0, Math.max(0, tasks.tasks.length - surge.from))
      .map((m) => ({ ...m, to: null })),
  );
}

/**
 * How long a pinned surge may wait for its task before it is rolled back, whatever the surge
 * timeout: while pinned, ECS can place none of the service's tasks elsewhere, not even the
 * replacement of a task that fails. A task normally starts within a minute or two.
 */
export const PIN_TIMEOUT_SECONDS = 180;

/**
 * The removals that are surplus at the first spread level, best first. Where the surge's extra
 * tasks landed short of the plan, a balanced distribution both removes and adds within a zone (a
 * move for a later wave); the stops must then come from the zones above their target, not from the
 * first removals in order: stopping a paired removal would take a zone below its target and leave
 * the zones uneven (which ECS's own AZ rebalancing would then undo).
 */
function netSurplus(moves: Move[], distribution: Distribution, layout: ServiceLayout): Move[] {
  const groupOf = new Map(layout.slots.map((slot) => [slot.id, slot.path[0]]));
  const paired = new Map<string, number>();
  for (const addition of distribution.additions) paired.set(addition.group[0], (paired.get(addition.group[0]) ?? 0) + addition.count);
  const surplus: Move[] = [];
  const held: Move[] = [];
  // the last removals of a group are the ones its additions pair with: the first, most valuable, are stopped
  for (const move of [...moves].reverse()) {
    const group = groupOf.get(move.from) ?? move.from;
    const left = paired.get(group) ?? 0;
    if (left > 0) {
      paired.set(group, left - 1);
      held.push(move);
    } else surplus.push(move);
  }
  return [...surplus.reverse(), ...held.reverse()];
}

/**
 * The tasks the surge's moves were planned to take away (the tag's `give`), as stops, when all of
 * them still run and the service is balanced by its strategy without them; undefined otherwise.
 * This is how a move lands where it was planned: between equally balanced layouts, a tie-break
 * would often give up a task in another zone and undo a load move (the load property found it in a
 * third of two-zone completions).
 */
function plannedGiveUps(
  surge: Surge,
  tasks: ServiceTasks,
  layout: ServiceLayout,
  ids: { service: string; serviceName: string },
): Move[] | undefined {
  const give = new Set(surge.give ?? []);
  const running = tasks.tasks.filter((t) => t.desiredStatus === "RUNNING" && t.lastStatus === "RUNNING");
  const planned = running.filter((t) => give.has(taskId(t.taskArn!)));
  if (give.size === 0 || planned.length !== give.size || planned.length !== tasks.tasks.length - surge.from) return undefined;
  const slotOf = new Map(layout.slots.map((slot) => [slot.id, slot]));
  const leaving = [startedInstead(planned, running, surge, slotOf), planned].find(
    (stops) => stops && isBalancedWithout(stops, layout, surge),
  );
  if (!leaving) return undefined;
  return leaving.map((task) => ({
    ...ids,
    taskArn: task.taskArn!,
    from: task.containerInstanceArn!,
    to: null,
    toGroup: slotOf.get(task.containerInstanceArn!)!.path.slice(0, 1),
    pass: "spread" as const,
  }));
}

/** Whether the service is balanced by its strategy once these tasks are gone. */
function isBalancedWithout(stops: Task[], layout: ServiceLayout, surge: Surge): boolean {
  const left = new Map(layout.slots.map((slot) => [slot.id, slot.count]));
  for (const task of stops) {
    const count = left.get(task.containerInstanceArn ?? "");
    if (count === undefined) return false; // on an instance the layout does not count: let the spread choose
    left.set(task.containerInstanceArn!, count - 1);
  }
  const after = distribute(
    layout.slots.map((slot) => ({ ...slot, count: left.get(slot.id)! })),
    surge.from,
  );
  return after.removals.size === 0;
}

/**
 * The planned stops with a coin flip that went the wrong way undone: where ECS put a started task
 * on an instance of the same zone now busier than the planned source, that task is given up instead
 * and the zone is as before the surge (the move is spent, not harmful; the next plan tries again).
 * This is the completion choosing by the cluster objective (clusterLoad/loadPass.ts, "even-chance").
 * Undefined when nothing is to be exchanged.
 */
function startedInstead(planned: Task[], running: Task[], surge: Surge, slotOf: Map<string, Slot>): Task[] | undefined {
  const since = surge.startedAt.getTime();
  const plannedArns = new Set(planned.map((t) => t.taskArn));
  const started = running.filter(
    (t) => !plannedArns.has(t.taskArn) && t.createdAt !== undefined && new Date(t.createdAt).getTime() >= since,
  );
  const taken = new Set<Task>();
  let exchanged = false;
  const stops = planned.map((task) => {
    const source = slotOf.get(task.containerInstanceArn ?? "");
    if (!source) return task;
    let busiest: { task: Task; load: number } | undefined;
    for (const candidate of started) {
      const landed = slotOf.get(candidate.containerInstanceArn ?? "");
      if (!landed || taken.has(candidate) || landed.path[0] !== source.path[0] || landed.load <= source.load) continue;
      if (!busiest || landed.load > busiest.load) busiest = { task: candidate, load: landed.load };
    }
    if (!busiest) return task;
    taken.add(busiest.task);
    exchanged = true;
    return busiest.task;
  });
  return exchanged ? stops : undefined;
}
