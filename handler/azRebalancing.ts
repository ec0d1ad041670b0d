import type { Service } from "@aws-sdk/client-ecs";
import { Distribution, distribute, Slot, waterfill } from "./balance";
import { isAzRebalancingEnabled, SkipReason } from "./eligibility";
import { spreadFields, ZONE_ATTRIBUTE, ZONE_FIELD } from "./placement";

/**
 * ECS's own Availability Zone rebalancing (`availabilityZoneRebalancing` ENABLED) evens out a
 * service's zones: it starts tasks in the emptiest zone, waits until they run, then stops tasks in
 * the fullest. It acts only for services whose first spread is by zone (or that name no strategy),
 * and it never looks at instances within a zone. So for such a service the zone level is ECS's: we
 * make no move whose purpose is a zone's count, and balance instances within each zone only.
 */
export function isZoneLevelEcs(service: Service): boolean {
  if (!isAzRebalancingEnabled(service)) return false;
  const fields = spreadFields(service.placementStrategy);
  // ECS's rebalancing does not work with these (developer guide, service rebalancing): the field
  // may say ENABLED, but nobody else evens such a service's zones
  const constrainsZone = (service.placementConstraints ?? []).some((c) => (c.expression ?? "").includes(ZONE_ATTRIBUTE));
  const canStartFirst = (service.deploymentConfiguration?.maximumPercent ?? 200) > 100;
  return Array.isArray(fields) && fields[0] === ZONE_FIELD && canStartFirst && !constrainsZone;
}

/**
 * The distribution that keeps every zone's count and balances instances within each zone, or a
 * skip while the zones are uneven: ECS will move tasks between zones (its trigger comes some time
 * after the service is steady, and between its rounds the counts look steady), and a move of ours
 * inside a zone it is about to change would be undone or doubled. Zones are uneven when the
 * water-filled zone targets (capacity included, as ECS can only start tasks where they fit) differ
 * from the zone counts.
 */
export function distributeWithinZones(slots: Slot[], total: number): Distribution[] | SkipReason {
  const zones = groupByZone(slots);
  const counts = zones.map((members) => members.reduce((sum, s) => sum + s.count, 0));
  const targets = waterfill(
    zones.map((members, z) => ({
      key: members[0].path[0],
      count: counts[z],
      capacity: members.reduce((sum, s) => sum + s.capacity, 0),
      load: members.reduce((sum, s) => sum + s.load, 0),
    })),
    total,
  );
  if (targets.some((target, z) => target !== counts[z])) {
    const shape = zones.map((members, z) => `${members[0].path[0]} ${counts[z]}`).join(", ");
    return { code: "az-rebalancing-by-ecs", detail: `zones uneven (${shape}) with AZ rebalancing ENABLED: ECS moves tasks between zones` };
  }
  // one distribution per zone, so that each removal is paired with an addition in its own zone
  return zones.map((members, z) => {
    const zone = members[0].path[0];
    const inner = distribute(
      members.map((s) => ({ ...s, path: s.path.slice(1) })),
      counts[z],
    );
    return { removals: inner.removals, additions: inner.additions.map((a) => ({ ...a, group: [zone, ...a.group] })) };
  });
}

function groupByZone(slots: Slot[]): Slot[][] {
  const zones = new Map<string, Slot[]>();
  for (const slot of slots) {
    const members = zones.get(slot.path[0]);
    if (members) members.push(slot);
    else zones.set(slot.path[0], [slot]);
  }
  return [...zones.values()];
}
