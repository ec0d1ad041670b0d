/**
 * The arithmetic of balance, with no ECS in it. A slot is one container instance as one service
 * sees it: how many of the service's tasks it holds, how many it could hold, and its group at each
 * spread level (for example [zone] or [zone, instance]).
 *
 * Targets are chosen level by level, as ECS's spread strategies apply in order: first the totals per
 * group of the first field, then within each group by the next field. At every level the targets
 * differ by at most one among groups that still have room (water-filling under capacity), and the
 * larger targets go to the groups where they save the most moves (then to those holding the most),
 * so that the number of moves, the sum of max(0, count - target), is the least any balanced
 * distribution allows.
 */
export interface Slot {
  id: string;
  /** Group key per spread level; its length is the number of levels. */
  path: string[];
  /** Tasks of the service on this instance. */
  count: number;
  /** Most tasks of the service the instance can hold (count plus room). */
  capacity: number;
  /** Tasks of all services on the instance: ties in surplus are given up by the busiest instance. */
  load: number;
}

export interface Distribution {
  /** Tasks to take away from each slot. */
  removals: Map<string, number>;
  /** Tasks to add: to a slot when the strategy pins it down, to a group (ECS picks the instance) otherwise. */
  additions: Addition[];
}

export interface Addition {
  /** The slot that receives, or undefined when ECS chooses the instance within `group`. */
  slotId?: string;
  group: string[];
  count: number;
}

/** Balanced distribution of `total` tasks over `slots`, reached with the fewest removals. */
export function distribute(slots: Slot[], total: number): Distribution {
  const result: Distribution = { removals: new Map(), additions: [] };
  if (total > sumOf(slots, (s) => s.capacity)) {
    throw new Error(`invariant: ${total} tasks cannot fit in capacity ${sumOf(slots, (s) => s.capacity)}`);
  }
  distributeLevel(slots, 0, total, [], result);
  return result;
}

function distributeLevel(slots: Slot[], level: number, total: number, group: string[], out: Distribution): void {
  const levels = slots[0]?.path.length ?? 0;
  if (level === levels) {
    settleLeaf(slots, total, group, out);
    return;
  }
  if (isInstanceLevel(slots, level)) {
    distributeOverInstances(slots, total, group, out);
    return;
  }
  const groups = [...groupBy(slots, (s) => s.path[level])];
  const targets = levelTargets(groups, level, total);
  groups.forEach(([key, members], i) => distributeLevel(members, level + 1, targets[i], [...group, key], out));
}

function levelTargets(groups: Array<[string, Slot[]]>, level: number, total: number): number[] {
  return waterfill(
    groups.map(([key, members]) => ({
      key,
      count: sumOf(members, (s) => s.count),
      capacity: sumOf(members, (s) => s.capacity),
      load: sumOf(members, (s) => s.load),
      // one instance gives up exactly what it holds above its target: no need to look inside
      movesAt: members.length === 1 ? undefined : (target: number) => leastMoves(members, level + 1, target),
      unevenness: members.length === 1 ? 0 : maxOf(members, (s) => s.count) - minOf(members, (s) => s.count),
    })),
    total,
  );
}

/**
 * The fewest removals that balance `slots` from `level` down with `total` tasks. A group holding
 * more tasks does not always gain more from one extra task: zone (3,0,0) gains nothing from a
 * third task that its instances must share anyway, while zone (2,0) keeps one task in place.
 */
function leastMoves(slots: Slot[], level: number, total: number): number {
  const levels = slots[0]?.path.length ?? 0;
  if (level === levels) return Math.max(0, sumOf(slots, (s) => s.count) - total);
  if (isInstanceLevel(slots, level)) return leastMovesOverInstances(slots, total);
  const groups = [...groupBy(slots, (s) => s.path[level])];
  const targets = levelTargets(groups, level, total);
  return groups.reduce((acc, [, members], i) => acc + leastMoves(members, level + 1, targets[i]), 0);
}

/** The last level spreads by instance: every group is one slot (its key is the slot's id). */
function isInstanceLevel(slots: Slot[], level: number): boolean {
  return level === slots[0].path.length - 1 && slots[0].path[level] === slots[0].id;
}

/** The instance level without grouping: each slot is its own group (the hot path on large clusters). */
function distributeOverInstances(slots: Slot[], total: number, group: string[], out: Distribution): void {
  const targets = waterfill(slots, total, (s) => s.id);
  slots.forEach((slot, i) => {
    if (slot.count > targets[i]) out.removals.set(slot.id, slot.count - targets[i]);
    else if (slot.count < targets[i]) out.additions.push({ slotId: slot.id, group: [...group, slot.id], count: targets[i] - slot.count });
  });
}

/**
 * The same count as distributeOverInstances, without choosing: every slot keeps up to
 * min(capacity, L), and each of the remaining tasks saves one move where it lands on a slot that
 * holds more than L, as far as such slots go.
 */
function leastMovesOverInstances(slots: Slot[], total: number): number {
  const level = fillLevel(slots, total);
  let moves = 0;
  let placed = 0;
  let savers = 0;
  for (const slot of slots) {
    const kept = Math.min(slot.capacity, level);
    placed += kept;
    moves += Math.max(0, slot.count - kept);
    if (slot.capacity > level && slot.count > level) savers++;
  }
  return moves - Math.min(total - placed, savers);
}

/** The highest L with sum of min(capacity, L) at most `total` (no target exceeds the total). */
export function fillLevel(groups: Array<{ capacity: number }>, total: number): number {
  const filled = (level: number) => {
    let sum = 0;
    for (const g of groups) sum += Math.min(g.capacity, level);
    return sum;
  };
  let low = 0;
  let high = total;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (filled(mid) <= total) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Inside the last group no strategy says which instance holds what, so tasks stay where they are:
 * surplus leaves the busiest instances first, and a deficit is left for ECS to place in the group.
 */
function settleLeaf(slots: Slot[], total: number, group: string[], out: Distribution): void {
  const held = sumOf(slots, (s) => s.count);
  if (held < total) {
    const slotId = slots.length === 1 ? slots[0].id : undefined;
    out.additions.push({ slotId, group, count: total - held });
    return;
  }
  if (held === total) return;
  if (slots.length === 1) {
    out.removals.set(slots[0].id, held - total);
    return;
  }
  const remaining = new Map(slots.map((s) => [s.id, s.count]));
  const load = new Map(slots.map((s) => [s.id, s.load]));
  for (let surplus = held - total; surplus > 0; surplus--) {
    const from = slots.filter((s) => remaining.get(s.id)! > 0).sort((a, b) => load.get(b.id)! - load.get(a.id)! || compare(a.id, b.id))[0];
    remaining.set(from.id, remaining.get(from.id)! - 1);
    load.set(from.id, load.get(from.id)! - 1);
    out.removals.set(from.id, (out.removals.get(from.id) ?? 0) + 1);
  }
}

interface Group {
  key: string;
  count: number;
  capacity: number;
  load: number;
  /** Removals inside the group when it receives `target` tasks; default max(0, count - target). */
  movesAt?: (target: number) => number;
  /** Most minus fewest tasks on the group's members (0 for one instance): how uneven it is inside. */
  unevenness?: number;
}

/**
 * Targets summing to `total`: every group gets min(capacity, L) for the highest level L that fits,
 * and the remainder goes one each to groups with room for L+1, preferring those that save the most
 * removals with it (fewest moves), then those holding the most, then the most even inside (the task
 * given up then comes from the most uneven group, the one a removal helps most: a surge completing
 * there makes progress instead of giving back its own task), then the least busy (the busiest gives
 * up its task), then a stable order.
 */
export function waterfill<G extends Omit<Group, "key">>(
  groups: G[],
  total: number,
  keyOf: (group: G) => string = (group) => (group as unknown as Group).key,
): number[] {
  const low = fillLevel(groups, total);
  const targets: number[] = [];
  let remainder = total;
  const candidates: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    targets.push(Math.min(groups[i].capacity, low));
    remainder -= targets[i];
    if (groups[i].capacity > low) candidates.push(i);
  }
  let chosen = candidates;
  if (remainder < candidates.length) {
    // only then is there a choice to make
    const gain: number[] = targets.map(() => 0);
    for (const i of candidates) gain[i] = movesAt(groups[i], low) - movesAt(groups[i], low + 1);
    const better = (a: number, b: number) =>
      gain[b] - gain[a] ||
      groups[b].count - groups[a].count ||
      (groups[a].unevenness ?? 0) - (groups[b].unevenness ?? 0) ||
      groups[a].load - groups[b].load ||
      compare(keyOf(groups[a]), keyOf(groups[b]));
    chosen = selectBest(candidates, remainder, better);
  }
  for (const i of chosen) {
    if (remainder === 0) break;
    targets[i] += 1;
    remainder -= 1;
  }
  if (remainder !== 0) throw new Error(`invariant: water-filling left ${remainder} tasks unplaced`);
  return targets;
}

/**
 * The `count` best items under a total order, in no particular order (quickselect): the remainder
 * of a water-filling goes to a few of many instances, so a full sort per zone and service would
 * dominate planning on large clusters.
 */
export function selectBest<T>(items: T[], count: number, better: (a: T, b: T) => number): T[] {
  const list = [...items];
  let low = 0;
  let high = list.length - 1;
  while (low < high) {
    const pivot = list[(low + high) >> 1];
    let i = low;
    let j = high;
    while (i <= j) {
      while (better(list[i], pivot) < 0) i++;
      while (better(list[j], pivot) > 0) j--;
      if (i <= j) {
        [list[i], list[j]] = [list[j], list[i]];
        i++;
        j--;
      }
    }
    if (count - 1 <= j) high = j;
    else if (count - 1 >= i) low = i;
    else break;
  }
  return list.slice(0, count);
}

function movesAt(group: Omit<Group, "key">, target: number): number {
  return group.movesAt ? group.movesAt(target) : Math.max(0, group.count - target);
}

/** Items by key, in the order keys first appear (slots arrive in ARN order; waterfill breaks ties by key). */
function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const members = groups.get(k);
    if (members) members.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function sumOf<T>(items: T[], value: (item: T) => number): number {
  let sum = 0;
  for (const item of items) sum += value(item);
  return sum;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function maxOf<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((most, item) => Math.max(most, value(item)), -Infinity);
}

function minOf<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((least, item) => Math.min(least, value(item)), Infinity);
}
