import type { ContainerInstance, Task } from "@aws-sdk/client-ecs";
import { ZONE_ATTRIBUTE } from "./placement";

/**
 * How unevenly a cluster is loaded: within each Availability Zone, the most tasks on one ACTIVE
 * container instance minus the fewest (0 with one instance), and the worst zone. Zones are measured
 * apart because ECS spreads by zone first: instances in different zones are not interchangeable.
 * A small pure function on purpose, so that a load pass with its own notion of band can replace it.
 */
export interface LoadBand {
  byZone: Record<string, number>;
  worst: number;
}

export function measureLoadBand(instances: ContainerInstance[], tasks: Task[]): LoadBand {
  const zoneOf = activeInstanceZones(instances);
  const load: Record<string, number> = {};
  for (const arn of Object.keys(zoneOf)) load[arn] = 0;
  for (const task of tasks) {
    const at = task.containerInstanceArn;
    if (at !== undefined && at in load) load[at]++;
  }
  const byZone: Record<string, number> = {};
  const range: Record<string, { min: number; max: number }> = {};
  for (const [arn, count] of Object.entries(load)) {
    const r = (range[zoneOf[arn]] ??= { min: count, max: count });
    r.min = Math.min(r.min, count);
    r.max = Math.max(r.max, count);
  }
  let worst = 0;
  for (const [z, r] of Object.entries(range)) {
    byZone[z] = r.max - r.min;
    worst = Math.max(worst, byZone[z]);
  }
  return { byZone, worst };
}

/** The zone of each ACTIVE instance, by ARN: only an ACTIVE instance can take tasks. */
export function activeInstanceZones(instances: ContainerInstance[]): Record<string, string> {
  const zoneOf: Record<string, string> = {};
  for (const i of instances) {
    if (i.status === "ACTIVE" && i.containerInstanceArn)
      zoneOf[i.containerInstanceArn] = i.attributes?.find((a) => a.name === ZONE_ATTRIBUTE)?.value ?? "unknown";
  }
  return zoneOf;
}
