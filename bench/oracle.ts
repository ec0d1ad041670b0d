/**
 * The fewest moves that balance a cluster, computed apart from the planner so that the bench does
 * not grade the planner with its own code. For each spread service, over ALL balanced target
 * distributions (at every spread level, sibling groups differ by at most one task), the minimum of
 * Σ max(0, current − target) per instance: each surplus task is one stop and one restart. Exact
 * dynamic programming over groups (how many of them get the extra task); capacity is ignored, which
 * is exact when every instance has room (all bench scenarios but the tight one).
 */
export interface OracleInstance {
  arn: string;
  attributes: Record<string, string>;
}

export interface OracleService {
  /** Spread fields in order, e.g. ["attribute:ecs.availability-zone", "instanceId"]. */
  spreadFields: string[];
  /** RUNNING tasks per instance ARN (tasks on ineligible instances must all move). */
  tasksPerInstance: Record<string, number>;
}

export function minimumMoves(eligible: OracleInstance[], service: OracleService): number {
  const onEligible = eligible.reduce((sum, i) => sum + (service.tasksPerInstance[i.arn] ?? 0), 0);
  const total = Object.values(service.tasksPerInstance).reduce((a, b) => a + b, 0);
  const stranded = total - onEligible;
  if (eligible.length === 0) return 0;
  const memo = new Map<string, number>();
  return stranded + cost(eligible, service.spreadFields, 0, total, service.tasksPerInstance, memo);
}

/** The fewest surplus tasks when `instances` must hold exactly `n` tasks, balanced from `level` on. */
function cost(
  instances: OracleInstance[],
  fields: string[],
  level: number,
  n: number,
  current: Record<string, number>,
  memo: Map<string, number>,
): number {
  const here = instances.reduce((sum, i) => sum + (current[i.arn] ?? 0), 0);
  if (level === fields.length) return Math.max(0, here - n); // no finer level: anywhere inside is fine
  const key = `${level}|${n}|${instances.map((i) => i.arn).join(",")}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const groups = new Map<string, OracleInstance[]>();
  for (const instance of instances) {
    const value =
      fields[level] === "instanceId" || fields[level] === "host"
        ? instance.arn
        : (instance.attributes[fields[level].replace(/^attribute:/, "")] ?? "");
    groups.set(value, [...(groups.get(value) ?? []), instance]);
  }
  const members = [...groups.values()];
  const base = Math.floor(n / members.length);
  const extra = n % members.length;
  // best[c]: fewest surplus over the groups seen so far when c of them got base + 1
  let best = [0];
  for (const group of members) {
    const low = cost(group, fields, level + 1, base, current, memo);
    const high = cost(group, fields, level + 1, base + 1, current, memo);
    const next = new Array(best.length + 1).fill(Infinity);
    best.forEach((value, c) => {
      next[c] = Math.min(next[c], value + low);
      next[c + 1] = Math.min(next[c + 1], value + high);
    });
    best = next;
  }
  const result = best[extra];
  memo.set(key, result);
  return result;
}
