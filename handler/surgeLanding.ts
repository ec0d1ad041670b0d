import { distribute } from "./balance";
import { landingTogether } from "./landingGroup";
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
export interface Zone {
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
  return move.toGroup[0] ?? (move.to ? layout.pathOf(move.to)?.[0] : undefined);
}

/**
 * The moves whose extra tasks ECS is sure to place in their target zones, with a partner move in
 * each tied zone that needs one; else, when none is sure, the moves into a zone ECS may pick (a
 * coin flip between tied zones, which the surge's completion undoes when it goes the wrong way).
 *
 * ECS places a surge's tasks one at a time, each in the zone then holding the fewest of the
 * service's tasks, at random among ties. The surge lands only if every zone ECS may pick at each
 * step is still owed a task (strayZone). A move into zone b while zone a ties with it lands half
 * the time: the started task goes to a, the completion gives a task back, and the move is planned
 * again (on 3->6 with 50 services one service surged four times for one move). Where the service
 * has a move in each tied zone, one of each lands together (waterFilled). Where it has none in a,
 * a partner there (partnerIn) makes the surge add a task to each zone: one within-zone move that
 * keeps the service as balanced as it is, from its busiest instance to where ECS puts the task,
 * often a light new instance, so the extra task is work done rather than a coin flip.
 */
export function surgesThatLand(moves: Move[], layout: ServiceLayout, loadOf: (instanceArn: string) => number): Move[] {
  const zones = zonesOf(layout);
  // a partner costs a task move of its own: only where no move lands without one
  const sure = waterFilled(moves, zones, layout);
  if (sure.length > 0) return sure;
  // no set of the moves lands alone (waterFilled found none): with its partners, only whole
  const partnered = withFirstPartners(moves, zones, layout, loadOf);
  if (partnered.length > 0) return landingTogether(partnered);
  const landing = new Set(landingZones(zones));
  return moves.filter((move) => landing.has(targetZone(move, layout) ?? ""));
}

/**
 * The most moves that land for sure without a partner: ECS water-fills the zones (strayZone), so a
 * surge lands only when it owes every zone below some level exactly what lifts it to that level.
 * The level is raised while each zone below it has a move left (a zone's moves in plan order); the
 * moves come level by level, each level's moves (one per zone it lifts: several where zones tie)
 * marked to go together (Move.withNext): a prefix of whole levels lands too, so the executor may
 * take fewer (budgets, maximumPercent), but only whole levels.
 */
function waterFilled(moves: Move[], zones: Map<string, Zone>, layout: ServiceLayout): Move[] {
  const counts = new Map<string, number>();
  for (const [key, zone] of zones) if (zone.landing !== Infinity) counts.set(key, zone.count);
  if (counts.size === 0) return [];
  // each zone's moves by their place in the plan: a level's moves keep plan order
  const byZone = new Map<string, number[]>();
  moves.forEach((move, i) => {
    const zone = targetZone(move, layout);
    if (zone === undefined || !counts.has(zone)) return;
    const list = byZone.get(zone);
    if (list) list.push(i);
    else byZone.set(zone, [i]);
  });
  const taken: Move[] = [];
  for (let level = Math.min(...counts.values()) + 1; ; level++) {
    const row: number[] = [];
    for (const [zone, count] of counts) {
      if (count >= level) continue;
      const move = byZone.get(zone)?.[level - count - 1];
      if (move === undefined) return taken;
      row.push(move);
    }
    row.sort((a, b) => a - b);
    taken.push(...landingTogether(row.map((at) => moves[at])));
  }
}

/** The moves, in order, that land together for sure with partners: no more than the first move needs. */
function withFirstPartners(
  moves: Move[],
  zones: Map<string, Zone>,
  layout: ServiceLayout,
  loadOf: (instanceArn: string) => number,
): Move[] {
  let partners = zones.size;
  const wanted: Move[] = [];
  const owed = new Map<string, number>();
  let sure: Move[] = [];
  for (const move of moves) {
    const zone = targetZone(move, layout);
    if (zone === undefined) continue;
    owed.set(zone, (owed.get(zone) ?? 0) + 1);
    const landing = withPartners([...wanted, move], owed, zones, layout, loadOf, partners);
    if (!landing) {
      owed.set(zone, owed.get(zone)! - 1);
      continue;
    }
    // later moves ride along only if they need no partner beyond the first move's
    if (wanted.length === 0) partners = landing.length - 1;
    wanted.push(move);
    sure = landing;
  }
  return sure;
}

/** The moves (owing `owed` per zone) and a partner in each zone ECS could pick without a move of its own there, if that makes the surge land for sure. */
function withPartners(
  moves: Move[],
  owed: Map<string, number>,
  zones: Map<string, Zone>,
  layout: ServiceLayout,
  loadOf: (instanceArn: string) => number,
  most: number,
): Move[] | undefined {
  let demand = owed;
  const partners: Move[] = [];
  // each partner owes one more task to a zone that had none owed, so this ends within the zones' count
  for (;;) {
    const stray = strayZone(zones, demand);
    if (stray === undefined) return partners.length ? [...moves, ...partners] : moves;
    if (partners.length >= most) return undefined;
    const partner = partnerIn(stray, zones.get(stray)?.landing ?? Infinity, [...moves, ...partners], layout, loadOf);
    if (!partner) return undefined;
    partners.push(partner);
    demand = new Map(demand).set(stray, (demand.get(stray) ?? 0) + 1);
  }
}

/**
 * A zone ECS may give one of the surge's tasks to although no move is owed there; undefined when
 * every order of its picks lands each task where one is owed. Picking the emptiest zone one task at
 * a time water-fills the zones: with k tasks, every zone below some level L rises to L, and the r
 * tasks left over go to r of the zones then at L, at random. So the surge lands for sure only when
 * r is 0 and the moves owe each zone exactly what it rises by.
 */
export function strayZone(zones: Map<string, Zone>, owed: Map<string, number>): string | undefined {
  const counts = new Map<string, number>();
  for (const [key, zone] of zones) if (zone.landing !== Infinity) counts.set(key, zone.count);
  for (const key of owed.keys()) if (!counts.has(key)) return key;
  let tasks = 0;
  for (const n of owed.values()) tasks += n;
  if (tasks === 0) return undefined;
  let level = Math.min(...counts.values());
  for (;;) {
    let rising = 0;
    for (const count of counts.values()) if (count <= level) rising++;
    if (rising > tasks) break;
    tasks -= rising;
    level++;
  }
  // `tasks` is now the leftover r, fewer than the zones at `level`: any of those may take one
  for (const [key, count] of counts) {
    const most = Math.max(0, level - count) + (tasks > 0 && count <= level ? 1 : 0);
    if ((owed.get(key) ?? 0) < most) return key;
  }
  return undefined;
}

/**
 * A move inside `zone` that keeps the service exactly as balanced (one task from an instance holding
 * one more than `landing`, the zone's fewest with room, to where ECS puts it: an instance with it), from
 * the busiest such instance by load, and only where it is a gain wherever ECS puts the task (the
 * source at least two tasks busier than each instance it may pick): a partner that only swaps two
 * loads costs a task move, as much as the coin flip it replaces. None either when the zone holds a
 * move already, or a level between zone and instance (a custom attribute) would change.
 */
function partnerIn(
  zone: string,
  landing: number,
  moves: Move[],
  layout: ServiceLayout,
  loadOf: (instanceArn: string) => number,
): Move | undefined {
  if (layout.fields.length !== 2 || layout.fields[1] !== "instanceId") return undefined;
  const members = layout.slots.filter((slot) => slot.path[0] === zone);
  const busy = new Set(moves.flatMap((move) => [move.from, move.to ?? ""]));
  if (members.some((slot) => busy.has(slot.id))) return undefined;
  const targets = members.filter((slot) => slot.capacity > slot.count && slot.count === landing);
  // a placeholder stands for many empty instances whose loads it does not tell apart
  if (targets.length === 0 || targets.some(isPlaceholder)) return undefined;
  const busiestPick = Math.max(...targets.map((slot) => loadOf(slot.id)));
  let source: { id: string; load: number } | undefined;
  for (const slot of members) {
    if (isPlaceholder(slot) || slot.count !== landing + 1) continue;
    const load = loadOf(slot.id);
    if (load - busiestPick < 2) continue;
    if (!source || load > source.load || (load === source.load && slot.id < source.id)) source = { id: slot.id, load };
  }
  const task = source && layout.tasksOn(source.id)[0];
  if (!source || !task) return undefined;
  const [first] = moves;
  const to = targets.length === 1 ? targets[0].id : null;
  return {
    service: first.service,
    serviceName: first.serviceName,
    taskArn: task.taskArn!,
    from: source.id,
    to,
    toGroup: to ? targets[0].path : [zone],
    pass: "spread",
  };
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
