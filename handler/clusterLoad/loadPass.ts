import type { Task } from "@aws-sdk/client-ecs";
import { Ledger, positionsByZone, recordMove } from "../ledger";
import { room, TaskNeeds } from "../placement";
import { ClusterLoadArgs, isLoadPassOn } from "./args";
import { Band, bandOf } from "./band";

/**
 * The cluster load pass: within each zone, move tasks from instances above the band to instances
 * below it, one task of a service at a time, until every instance is in band or no move is left
 * that keeps each service balanced and lands where planned. It runs after the service spread pass,
 * on the same ledger, and only moves services that pass left balanced and that spread by zone, then
 * instance; every other task is fixed load (counted, never moved).
 *
 * Keeping a service balanced: inside a zone a balanced service holds m or m + 1 tasks per instance
 * that has room (m its fewest). Moving one from an instance with m + 1 to one with m swaps the two
 * counts, so the service stays exactly as balanced, at every level, for one move.
 *
 * Landing where planned: the move starts its task first (the executor surges the service), and
 * ECS places that task in the zone with the fewest tasks of the service and, within it, on the
 * instance with the fewest (UpdateService API reference). So a move is planned only when its zone
 * is among the service's emptiest zones and every instance ECS could pick in the zone carries the
 * same load as the target: whichever ECS picks, the result is the planned one. The surge's
 * completion then stops the task on the busiest instance (see planner.ts), the one planned here.
 * One move per service and zone per plan: ECS counts the source's task until the surge completes.
 */
export interface LoadCandidate {
  serviceArn: string;
  serviceName: string;
  needs: TaskNeeds;
  /** The service's tasks per ledger position. */
  counts: Map<number, number>;
  /** Whether the service's placement constraints allow the instance at a position. */
  allows: (at: number) => boolean;
  /** The service's tasks on the instance at a position, in leaving order (leavingTask.ts). */
  tasksOn: (at: number) => Task[];
}

export interface LoadMove {
  candidate: LoadCandidate;
  from: number;
  to: number;
  task: Task;
}

export interface ZoneBand {
  zone: string;
  positions: number[];
  band: Band;
}

export function planLoadMoves(ledger: Ledger, candidates: LoadCandidate[], args: ClusterLoadArgs): { moves: LoadMove[]; zones: ZoneBand[] } {
  const zones: ZoneBand[] = [];
  const moves: LoadMove[] = [];
  const candidatesAt = byPosition(candidates);
  const pending = new Map<LoadCandidate, Map<string, number>>();
  for (const [zone, positions] of positionsByZone(ledger)) {
    const band = bandOf(positions.map((at) => ledger.tasks[at]), args.bandTasks);
    zones.push({ zone, positions, band });
    if (!isLoadPassOn(args) || positions.length < 2) continue;
    for (let move = nextMove(ledger, zone, positions, band, candidatesAt, pending); move; move = nextMove(ledger, zone, positions, band, candidatesAt, pending)) {
      apply(ledger, zone, move, pending);
      moves.push(move);
    }
  }
  return { moves, zones };
}

/** The move that evens the zone most: from the busiest instance that has one, to the emptiest it can reach. */
function nextMove(
  ledger: Ledger,
  zone: string,
  positions: number[],
  band: Band,
  candidatesAt: Map<number, LoadCandidate[]>,
  pending: Map<LoadCandidate, Map<string, number>>,
): LoadMove | undefined {
  const busiestFirst = [...positions].sort((a, b) => ledger.tasks[b] - ledger.tasks[a] || shareOf(ledger, b) - shareOf(ledger, a) || a - b);
  const emptiest = ledger.tasks[busiestFirst[busiestFirst.length - 1]];
  for (const from of busiestFirst) {
    if (ledger.tasks[from] - emptiest < 2) return undefined;
    let best: { move: LoadMove; gap: number; evens: number } | undefined;
    for (const candidate of candidatesAt.get(from) ?? []) {
      if ((candidate.counts.get(from) ?? 0) === 0 || pending.get(candidate)?.has(zone)) continue;
      const to = landingTarget(ledger, zone, positions, from, candidate, pending);
      if (to === undefined) continue;
      const gap = ledger.tasks[from] - ledger.tasks[to];
      if (gap < 2 || (ledger.tasks[from] <= band.high && ledger.tasks[to] >= band.low)) continue;
      const evens = shareEvening(ledger, from, to, candidate.needs);
      if (!best || gap > best.gap || (gap === best.gap && evens > best.evens)) {
        // one move per service and zone: the instance gives its first task in leaving order
        const [task] = candidate.tasksOn(from);
        if (task) best = { move: { candidate, from, to, task }, gap, evens };
      }
    }
    if (best) return best.move;
  }
  return undefined;
}

/**
 * Where ECS would place one more task of the candidate if `from` gave one up, when that is
 * predictable and keeps the service balanced; undefined otherwise.
 */
function landingTarget(
  ledger: Ledger,
  zone: string,
  positions: number[],
  from: number,
  candidate: LoadCandidate,
  pending: Map<LoadCandidate, Map<string, number>>,
): number | undefined {
  if (!isAmongEmptiestZones(ledger, zone, candidate, pending)) return undefined;
  let fewest = Infinity;
  let ties: number[] = [];
  for (const at of positions) {
    if (!candidate.allows(at) || room(ledger.free[at], candidate.needs) === 0) continue;
    const count = candidate.counts.get(at) ?? 0;
    if (count < fewest) {
      fewest = count;
      ties = [at];
    } else if (count === fewest) ties.push(at);
  }
  if (ties.length === 0 || (candidate.counts.get(from) ?? 0) !== fewest + 1) return undefined;
  // ECS breaks ties among equally empty instances at random: plan only if every pick is as good
  const load = ledger.tasks[ties[0]];
  return ties.every((at) => ledger.tasks[at] === load) ? ties[0] : undefined;
}

/** ECS places the extra task in the zone with the fewest tasks of the service (pending extras count). */
function isAmongEmptiestZones(ledger: Ledger, zone: string, candidate: LoadCandidate, pending: Map<LoadCandidate, Map<string, number>>): boolean {
  const perZone = new Map<string, number>();
  for (let at = 0; at < ledger.zones.length; at++) {
    if (!candidate.allows(at)) continue;
    const z = ledger.zones[at];
    perZone.set(z, (perZone.get(z) ?? 0) + (candidate.counts.get(at) ?? 0));
  }
  for (const [z, extra] of pending.get(candidate) ?? []) perZone.set(z, (perZone.get(z) ?? 0) + extra);
  const here = perZone.get(zone) ?? 0;
  for (const count of perZone.values()) if (count < here) return false;
  return true;
}

function apply(ledger: Ledger, zone: string, move: LoadMove, pending: Map<LoadCandidate, Map<string, number>>): void {
  const { candidate, from, to } = move;
  candidate.counts.set(from, candidate.counts.get(from)! - 1);
  candidate.counts.set(to, (candidate.counts.get(to) ?? 0) + 1);
  const zones = pending.get(candidate) ?? new Map<string, number>();
  zones.set(zone, (zones.get(zone) ?? 0) + 1);
  pending.set(candidate, zones);
  recordMove(ledger, from, to, candidate.needs);
}

/** How much closer the two instances' CPU and memory shares get if one task of these needs moves. */
function shareEvening(ledger: Ledger, from: number, to: number, needs: TaskNeeds): number {
  const gap = (cpuFrom: number, cpuTo: number, memFrom: number, memTo: number) =>
    Math.abs(ratio(cpuFrom, ledger.registered[from].cpu) - ratio(cpuTo, ledger.registered[to].cpu)) +
    Math.abs(ratio(memFrom, ledger.registered[from].memory) - ratio(memTo, ledger.registered[to].memory));
  const now = gap(ledger.cpu[from], ledger.cpu[to], ledger.memory[from], ledger.memory[to]);
  const after = gap(ledger.cpu[from] - needs.cpu, ledger.cpu[to] + needs.cpu, ledger.memory[from] - needs.memory, ledger.memory[to] + needs.memory);
  return now - after;
}

function shareOf(ledger: Ledger, at: number): number {
  return ratio(ledger.cpu[at], ledger.registered[at].cpu) + ratio(ledger.memory[at], ledger.registered[at].memory);
}

function ratio(used: number, total: number): number {
  return total > 0 ? used / total : 0;
}

function byPosition(candidates: LoadCandidate[]): Map<number, LoadCandidate[]> {
  const at = new Map<number, LoadCandidate[]>();
  for (const candidate of candidates) {
    for (const [position, count] of candidate.counts) if (count > 0) at.set(position, [...(at.get(position) ?? []), candidate]);
  }
  return at;
}
