import { chunk } from "./snapshot";
import { EcsPort, TASK_PROTECTION_BATCH } from "./ecsPort";
import { SurgeAction } from "./planner";
import { SURGE_TAG } from "./surgeTag";

/**
 * How long the tasks a surge keeps stay scale-in protected. The service scheduler reacts to the
 * lowered desired count asynchronously, within seconds; the protection only has to outlast that.
 * It is short because a protected task also holds up a deployment (ECS waits for the protection
 * to end), and it expires by itself, so an interrupted run leaves nothing behind for long.
 */
export const KEEP_PROTECTION_MINUTES = 5;

/**
 * Ends a surge (complete or rollback) without ever stopping a task by name. ECS's scheduler is
 * asynchronous: after a StopTask, a replacement may be started before a following UpdateService
 * lowers the count, and ECS's scale-in is not documented to stop that replacement rather than a
 * running task, so "stop, then lower" can fall below the original count. Instead:
 *
 * 1. the tasks to give up lose any scale-in protection an earlier surge left on them;
 * 2. the tasks to keep (at most `from`) are scale-in protected (UpdateTaskProtection);
 * 3. the desired count goes back to `from`, and a pin's constraint is removed (surgePin.ts): ECS's
 *    scale-in may only stop unprotected tasks, so it
 *    stops exactly the ones given up, never more than the surge added (to − from), and the service
 *    never runs fewer than `from` tasks, however late the scheduler reacts;
 * 4. the surge tag is removed.
 *
 * If the run stops between steps, the tag is still there (steps 1–3: the next run finishes it) or
 * the count is restored (step 4: the next run forgets the tag). Safety never depends on the
 * protection: with every task RUNNING, a scale-in of to − from tasks leaves `from` running whichever
 * it picks; the protection decides only which ones go, so that the balance the planner chose holds.
 */
export async function endSurge(
  ecs: EcsPort,
  cluster: string,
  surge: Extract<SurgeAction, { kind: "complete" | "rollback" }>,
): Promise<void> {
  const giveUp = surge.kind === "complete" ? surge.stop.map((m) => m.taskArn) : [];
  for (const batch of chunk(giveUp, TASK_PROTECTION_BATCH)) await ecs.updateTaskProtection(cluster, batch, false);
  for (const batch of chunk(surge.keep, TASK_PROTECTION_BATCH)) {
    await ecs.updateTaskProtection(cluster, batch, true, KEEP_PROTECTION_MINUTES);
  }
  // a pinned surge's constraint goes in the same call (surgePin.ts): the count and the constraints
  // are the service's own again at once
  await ecs.updateServiceDesiredCount(cluster, surge.service, surge.surge.from, surge.restoreConstraints);
  await ecs.untagResource(surge.service, [SURGE_TAG]);
}
