import type { PlacementConstraint, Service } from "@aws-sdk/client-ecs";

/**
 * A load move's started task pinned to its planned instance. ECS places a surge's extra task in the
 * service's emptiest zone and, inside it, on an instance with the fewest of its tasks, at random
 * among ties (REFERENCE.md). Where the planned instance ties with others, or the service's zones tie,
 * that is a coin flip, and a lost flip costs a task started and given up again. Placement
 * constraints, unlike strategies, are binding, and changing a service's constraints "doesn't trigger
 * a new service deployment" (the UpdateService API reference, placementConstraints). So the surge
 * adds `ec2InstanceId == <target>` to the service's own constraints in the same UpdateService that
 * raises the count, and the UpdateService that restores the count removes it again: ECS can place
 * the task only on the target, and no running task is touched by the change.
 *
 * The pin is recorded in the surge tag (surgeTag.ts, `pin`), so that whichever run ends the surge,
 * completes, rolls back or forgets it, removes exactly that constraint, and only while it is there.
 */

/** ECS's limit on placement constraints per task, those of the task definition included. */
export const MAX_PLACEMENT_CONSTRAINTS = 10;

/** An EC2 instance ID as ECS reports it; anything else is never written into an expression. */
const EC2_INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

export function isEc2InstanceId(value: string | undefined): value is string {
  return value !== undefined && EC2_INSTANCE_ID.test(value);
}

/** The constraint that lets ECS place the service's next task only on this instance. */
export function pinConstraint(ec2InstanceId: string): PlacementConstraint {
  return { type: "memberOf", expression: `ec2InstanceId == ${ec2InstanceId}` };
}

/**
 * The service's constraints with the pin added, or undefined where it may not be pinned: one more
 * would pass ECS's limit. (The planner counts the task definition's too: clusterLoad/candidate.ts.)
 */
export function pinnedConstraints(service: Service, ec2InstanceId: string): PlacementConstraint[] | undefined {
  const own = service.placementConstraints ?? [];
  if (own.length + 1 > MAX_PLACEMENT_CONSTRAINTS || !isEc2InstanceId(ec2InstanceId)) return undefined;
  return [...own, pinConstraint(ec2InstanceId)];
}

/**
 * The service's constraints without the surge's pin, or undefined when the pin is not among them (it
 * was never applied, or someone has already removed it): then there is nothing to restore.
 */
export function unpinnedConstraints(service: Service, ec2InstanceId: string): PlacementConstraint[] | undefined {
  const own = service.placementConstraints ?? [];
  const pin = pinConstraint(ec2InstanceId);
  const at = own.findIndex((c) => c.type === pin.type && c.expression === pin.expression);
  return at < 0 ? undefined : [...own.slice(0, at), ...own.slice(at + 1)];
}
