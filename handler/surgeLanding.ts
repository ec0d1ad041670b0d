import { distribute } from "./balance";
import type { Move } from "./planner";
import { isPlaceholder, ServiceLayout } from "./serviceLayout";

/**
 * Where a surge's extra task lands is ECS's choice, and for a service that spreads by zone first it
 * is predictable: the zone with the fewest of the service's tasks among those with room (a tie is a
 * coin flip), then the instance of that zone with the fewest (REFERENCE.md, Default placement).
 *
 * When a service's floor leaves no room to stop first, every move is a surge. A move whose target
 * zone is not one ECS would pick sees its extra task placed elsewhere, given back when the surge
 * completes, and the same move planned again, run after run (the soak's seeds 70, 124, 143, 186 and
 * 188 looped so). Such a service gets only the moves that land; if none does, one relocation that
 * uses ECS's choice instead (below), or nothing.
 */
interface Zone {
  count: number;
  /** The fewest tasks of the service on an instance of the zone with room (where ECS would put one). */
  landing: number;
}

function zonesOf(layout: ServiceLayout): Map<string, Zone> {
  const zones = new Map<string, Zone>();
  for (const slot of layout.slots) {
    const zone = zones.get(slot.path[0]) ?? { count: 0, landing: Infinity };
    zone.count += slot.count;
    if (slot.capacity > slot.count) zone.landing = Math.min(zone.landing, slot.count);
    zones.set(slot.path[0], zone);
  }
  return zones;
}

/** The zones ECS may give the extra task to: the fewest tasks among those with room. */
function landingZones(zones: Map<string, Zone>): string[] {
  const withRoom = [...zones].filter(([, zone]) => zone.landing !== Infinity);
  const fewest = Math.min(...withRoom.map(([, zone]) => zone.count));
  return withRoom.filter(([, zone]) => zone.count === fewest).map(([key]) => key);
}

function targetZone(move: Move, layout: ServiceLayout): string | undefined {
  return move.toGroup[0] ?? layout.slots.find((slot) => slot.id === move.to)?.path[0];
}

/** The moves whose extra task ECS would place in their target zone. */
export function surgesThatLand(moves: Move[], layout: ServiceLayout): Move[] {
  const landing = new Set(landingZones(zonesOf(layout)));
  return moves.filter((move) => landing.has(targetZone(move, layout) ?? ""));
}

/**
 * When no wanted move lands: let the extra task go where ECS puts it and stop, at completion, a task
 * of the most loaded instance of a fuller zone. Taken when it evens the instances (the source holds
 * at least two more than wherever the task may land), or when it is even but makes the source's zone
 * the only emptiest one while that zone is still uneven inside, so that the next surge is a
 * within-zone move that lands there: either way the sum of squared counts per instance falls within
 * two relocations, so the sequence ends. The zones stay within one task of each other: the task
 * leaves a zone above the fewest for one at the fewest, so ECS's own AZ rebalancing has nothing to
 * undo; its purpose is the instances' balance, never a zone's count.
 *
 * `planned` are the service's wanted moves, instance holding the most first: the relocation takes
 * the first of them out of a fuller zone, so the task that leaves is the one leavingTask.ts chose.
 */
export function crossZoneRelocation(planned: Move[], layout: ServiceLayout): Move | undefined {
  const zones = zonesOf(layout);
  const landing = landingZones(zones);
  if (landing.length === 0) return undefined;
  const fewest = zones.get(landing[0])!.count;
  // with a tie between zones ECS may take either: count on the worse one
  const landsOn = Math.max(...landing.map((key) => zones.get(key)!.landing));
  const countOn = new Map(layout.slots.map((slot) => [slot.id, slot.count]));
  const zoneOf = new Map(layout.slots.map((slot) => [slot.id, slot.path[0]]));
  const source = planned.find((move) => {
    const zone = zones.get(zoneOf.get(move.from) ?? "")!;
    const count = countOn.get(move.from) ?? 0;
    if (zone.count <= fewest) return false;
    if (count >= landsOn + 2) return true;
    // even now, progress next: the source's zone becomes the only one with the fewest tasks, so the
    // next surge lands inside it, where its own instances are still uneven (seeds 106, 156, 183, 186)
    if (landing.length === 1 && count === landsOn + 1 && zone.count === fewest + 1 && count - 1 >= zone.landing + 2) return true;
    // or it ends the service balanced, wherever ECS puts the task: nothing is left to move (seed 100:
    // zones (1,2,0 | 1,1) become (1,1,0 | 2,1))
    return balancedAfterRelocation(move.from, landing, zones, layout);
  });
  if (!source) return undefined;
  return { ...source, to: null, toGroup: landing.length === 1 ? [landing[0]] : [] };
}

/** Whether the service needs no move once a task leaves `from` and one lands on any instance ECS may pick in `landing`. */
function balancedAfterRelocation(from: string, landing: string[], zones: Map<string, Zone>, layout: ServiceLayout): boolean {
  const total = layout.slots.reduce((sum, slot) => sum + slot.count, 0);
  // a placeholder stands for many empty instances and is never given a task: where a landing zone
  // has no instance in view to check, the relocation is not taken
  const targets = layout.slots.filter(
    (slot) =>
      !isPlaceholder(slot) &&
      landing.includes(slot.path[0]) &&
      slot.capacity > slot.count &&
      slot.count === zones.get(slot.path[0])!.landing,
  );
  if (!landing.every((zone) => targets.some((slot) => slot.path[0] === zone))) return false;
  return targets.every((target) => {
    const after = layout.slots.map((slot) => ({
      ...slot,
      count: slot.count + (slot.id === target.id ? 1 : 0) - (slot.id === from ? 1 : 0),
    }));
    return distribute(after, total).removals.size === 0;
  });
}
