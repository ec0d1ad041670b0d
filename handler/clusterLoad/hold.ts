import { SkipCode } from "../eligibility";
import type { Skip, SurgeAction } from "../planner";

/**
 * Skips that mean a service's tasks are still coming or going: the instance loads in the snapshot
 * are not the ones the cluster will settle at, so a load move planned on them would overshoot.
 */
const UNSETTLED: SkipCode[] = ["surge-in-flight", "not-steady", "tasks-in-transition", "deployment-in-progress"];

/**
 * Why the cluster load pass plans nothing this run, or undefined when it may plan: it waits while
 * any surge is being finished or any service is not settled, whatever the service.
 */
export function loadPassHold({ surges, skipped }: { surges: SurgeAction[]; skipped: Skip[] }): string | undefined {
  if (surges.length > 0) return `a surge of ${surges[0].serviceName} is being finished`;
  const unsettled = skipped.find((s) => UNSETTLED.includes(s.reason));
  return unsettled && `${unsettled.serviceName} is ${unsettled.reason}: loads are still changing`;
}
