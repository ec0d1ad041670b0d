import type { Task } from "@aws-sdk/client-ecs";
import { InstanceLoad, Ledger, positionsByZone, recordMove } from "../ledger";
import { room, TaskNeeds } from "../placement";
import type { Move, Skip, SurgeAction } from "../planner";
import { ClusterState } from "../serviceLayout";
import type { BalancedService } from "../serviceSpread/spreadPass";
import { ClusterLoadArgs, isLoadPassOn } from "./args";
import { Band, bandOf } from "./band";
import { LoadCandidate, loadCandidates } from "./candidate";
import { loadPassHold } from "./hold";
import { LoadReport, reportLoad } from "./loadReport";

/**
 * The cluster load pass: within each zone, move tasks from instances above the band to instances
 * below it, one task of a service at a time, until every instance is in band or no move is left
 * that keeps each service balanced and lands where ECS would put it. It runs after the service spread pass,
 * on the same ledger, and only moves services that pass left balanced and that spread by zone, then
 * instance; every other task is fixed load (counted, never moved).
 *
 * Keeping a service balanced: inside a zone a balanced service holds m or m + 1 tasks per instance
 * that has room (m its fewest). Moving one from an instance with m + 1 to one with m swaps the two
 * counts, so the service stays exactly as balanced, at every level, for one move.
 *
 * Landing where planned: the move starts its task first (the executor surges the service), and
 * ECS places that task in the zone with the fewest tasks of the service and, within it, on an
 * instance with the fewest, at random among ties (UpdateService API reference). So a move lands in
 * the service's emptiest zone (where zones tie, one move in each, planned together: the surge adds
 * one task to each; a tied zone without a gain of its own takes a swap, and as a last resort a
 * filler, a task started there and given up again, fillerIn), and the bundles are tried from the
 * surest (Reach): every instance ECS could pick carries the same load (the result is the plan);
 * each is a gain (a coin flip whose every outcome evens the zone); at least half are (the
 * completion undoes a wrong pick, serviceSpread/surgeEnd.ts). A coin flip names every instance it
 * may land on (Move.landsOn). Until the surge ends their loads, and its source's where a pick may be
 * undone, are open (PassState.unsure): a later move of the plan is judged with each at its worst,
 * so that flips run side by side in one wave instead of one per zone and wave, and none counts on
 * another's pick. Once no zone has a move of its own left, a service whose emptiest zone is
 * another moves its task there (crossZoneMove).
 * The surge's completion stops the planned source's task (surgeTag.ts, give).
 * One move per service and zone per plan: ECS counts the source's task until the surge completes.
 *
 * As the planner runs it: held while loads are still changing (hold.ts), else its candidates
 * (candidate.ts) moved; the task that leaves is the first of the source in leaving order
 * (leavingTask.ts, through the service's layout). Its args, defaults and validation: args.ts.
 */
export function planClusterLoad(
  ledger: Ledger,
  cluster: ClusterState,
  spread: { moves: Move[]; surges: SurgeAction[]; skipped: Skip[]; balanced: BalancedService[] },
  args: ClusterLoadArgs,
  before: InstanceLoad[],
): { moves: Move[]; report: LoadReport } {
  const held = loadPassHold(spread);
  // side by side only once the spread pass moves nothing: see PassState.sideBySide
  const result = planLoadMoves(ledger, held ? [] : loadCandidates(spread.balanced, cluster), args, spread.moves.length === 0);
  const moves = result.moves.map(
    ({ candidate, from, to, task, ties, filler, pin }): Move => ({
      service: candidate.serviceArn,
      serviceName: candidate.serviceName,
      taskArn: task.taskArn!,
      from: ledger.arns[from],
      to: ledger.arns[to],
      toGroup: [ledger.zones[to], ledger.arns[to]],
      pass: "load",
      ...(ties ? { landsOn: ties.map((at) => ledger.arns[at]) } : {}),
      ...(filler ? { filler } : {}),
      ...(pin ? { pin } : {}),
    }),
  );
  return { moves: groupedByService(moves), report: reportLoad(ledger, result, args, before, held) };
}

/**
 * A service's load moves are planned to land together (its move, and a partner or filler in each
 * tied zone, planned knowing the others): `withNext` on each but its last, so that the executor
 * takes them whole or not at all (landingGroup.ts).
 */
function groupedByService(moves: Move[]): Move[] {
  const last = new Map(moves.map((move, i) => [move.service, i]));
  return moves.map((move, i) => (last.get(move.service) === i ? move : { ...move, withNext: true }));
}

export interface LoadMove {
  candidate: LoadCandidate;
  from: number;
  to: number;
  task: Task;
  /** A coin flip: every instance ECS may pick (each one evens the zone or keeps it); `to` is the lightest. */
  ties?: number[];
  /**
   * A tie filler (fillerIn): the task the surge starts in a tied zone that has no gain of its own,
   * given up again when the surge ends unless ECS puts it on an instance lighter than `from`, whose
   * named task then stops instead (an evening or a swap). Planned as moving nothing.
   */
  filler?: true;
  /** The EC2 instance ID the started task is pinned to (surgePin.ts): it lands on `to`, whatever the ties. */
  pin?: string;
}

export interface ZoneBand {
  zone: string;
  positions: number[];
  band: Band;
}

/** Why a useful load move was not planned: ECS would not place its started task on the target. */
export type Unlandable = "other-zone-emptier" | "zone-tie" | "coin-flip";

export interface LoadPassResult {
  moves: LoadMove[];
  zones: ZoneBand[];
  /** Services (by ARN) with a useful move in a zone that could not be made to land, by reason. */
  unlandable: Record<Unlandable, number>;
}

/** What the pass keeps while it plans: moves pending per service and zone, and cached placement facts. */
interface PassState {
  ledger: Ledger;
  /** Every zone's instances and band, to look at a service's move in another zone. */
  zones: Map<string, ZoneBand>;
  /** Moves applied so far: cached facts older than this are checked again (room and loads changed). */
  version: number;
  pending: Map<LoadCandidate, Set<string>>;
  zoneTotals: Map<LoadCandidate, Map<string, number>>;
  fewest: Map<LoadCandidate, Map<string, Fewest>>;
  refused: Map<string, Unlandable>;
  /**
   * Instances kept out of the rest of the plan: a filler's, its source included (fillerIn), and a
   * coin flip's when flips do not run side by side (`sideBySide`).
   */
  closed: Set<number>;
  /**
   * Instances whose load this plan's coin flips leave open: up to `up` tasks above the ledger's (a
   * tie ECS may pick instead of the planned one, a source whose move the completion may undo) and
   * `down` below it (the planned instance of a flip ECS may not pick). Later moves are judged
   * against the worst of that range, so flips run side by side without one counting on another's pick.
   */
  unsure: Map<number, { up: number; down: number }>;
  /**
   * Whether coin flips may share instances (`unsure`), or each keeps its instances to itself
   * (`closed`): side by side only in a plan where the service spread pass moves nothing. That is the
   * tail where a zone waits on coin flips, one wave after another; while the spread pass still
   * moves tasks, a flip's picks are few beside its moves, and judging every later move against
   * open loads there would make the planner rescan each zone per flip (on 1,000 instances, planning
   * took 2.3 × the parse time instead of 1.9 ×).
   */
  sideBySide: boolean;
  /** Fillers (fillerIn) are a last resort: allowed once no zone has a move without one. */
  fillers: boolean;
  /** Whether moves are pinned to their targets where the service allows it (ClusterLoadArgs.pinMoves). */
  pinMoves: boolean;
}

/** The instances of a zone where ECS would place the candidate's next task, and how many it holds there. */
interface Fewest {
  count: number;
  ties: number[];
  /** The least loaded of the ties, and whether every tie carries its load, as of `version`. */
  target: number;
  allEqual: boolean;
  version: number;
}

/** The decision on ledger positions: the load moves in planning order, each zone's band, and what would not land. */
export function planLoadMoves(ledger: Ledger, candidates: LoadCandidate[], args: ClusterLoadArgs, sideBySide = true): LoadPassResult {
  const zones: ZoneBand[] = [];
  const moves: LoadMove[] = [];
  const candidatesAt = byPosition(candidates);
  const byZone = new Map<string, ZoneBand>();
  for (const [zone, positions] of positionsByZone(ledger)) {
    const band = bandOf(
      positions.map((at) => ledger.tasks[at]),
      args.bandTasks,
    );
    byZone.set(zone, { zone, positions, band });
    zones.push({ zone, positions, band });
  }
  const state: PassState = {
    ledger,
    zones: byZone,
    version: 0,
    pending: new Map(),
    zoneTotals: new Map(),
    fewest: new Map(),
    refused: new Map(),
    closed: new Set(),
    unsure: new Map(),
    sideBySide,
    fillers: false,
    pinMoves: args.pinMoves,
  };
  // a partner move in one zone changes loads another zone's moves were refused on: sweep again;
  // moves to another zone only once no zone has a move of its own left (they use up the service),
  // and fillers only once no move of either kind is left (each costs a task started and stopped)
  for (let sweep = 0, moved = isLoadPassOn(args), across = false; moved && sweep < MAX_SWEEPS; sweep++) {
    moved = false;
    for (const zoneBand of zones) {
      if (zoneBand.positions.length < 2) continue;
      for (
        let bundle = bestBundle(state, zoneBand, candidatesAt, across);
        bundle;
        bundle = bestBundle(state, zoneBand, candidatesAt, across)
      ) {
        for (const move of bundle) {
          apply(state, ledger.zones[move.from], move);
          moves.push(move);
        }
        moved = true;
      }
    }
    if (!moved && !across) moved = across = true;
    else if (!moved && !state.fillers) moved = state.fillers = true;
  }
  const unlandable: Record<Unlandable, number> = { "other-zone-emptier": 0, "zone-tie": 0, "coin-flip": 0 };
  for (const reason of state.refused.values()) unlandable[reason]++;
  return { moves, zones, unlandable };
}

/** Sweeps over the zones; every move lowers the sum of squared loads on the ledger, so this only bounds the work. */
const MAX_SWEEPS = 6;

/**
 * How sure a bundle must be, tried in this order, the next only when the zone has no bundle of the one before:
 * - "certain": every instance ECS may pick carries the same load, for the move and each partner
 *   move (a move in a zone tied with this one, see emptiestZones): the result is the plan;
 * - "gain": the move evens the zone wherever ECS puts the task, and so does each partner move;
 * - "gain-with-swap": the same, but a partner may only swap two loads (one extra task move, the
 *   tied zone's band unchanged) so that the surge lands in both zones;
 * - "gain-with-filler": the same, but a tied zone with neither a gain nor a swap gets a filler
 *   (fillerIn): the task the surge starts there is given up when it ends (or, on a lighter pick,
 *   its named task stops instead), one task started and stopped so that the gain lands where
 *   planned. Only once no zone has a move without one;
 * - "even-chance": at least half of the instances ECS may pick are a gain (see pickOutcome). On
 *   another the move gains less, and where that instance ends busier than the source the surge's
 *   completion gives up the started task instead of the source's (serviceSpread/surgeEnd.ts): the
 *   zone is as it was and one task move is spent. About two moves per task that evens the zone, for
 *   zones where nothing surer is left: two busy old instances and a new one of three, where a
 *   one-task service lands on either of the other two. Such a move may take a filler in a tied
 *   zone: about two fillers then for each task that evens the zone.
 */
type Reach = "certain" | "gain" | "gain-with-swap" | "gain-with-filler" | "even-chance";

/** The reaches in order, surest first: a move acceptable at one is acceptable at every later one. */
const REACHES: Reach[] = ["certain", "gain", "gain-with-swap", "gain-with-filler", "even-chance"];

/** Where a reach is at or after another: what is acceptable at one is acceptable at every later one. */
function atLeast(reach: Reach, than: Reach): boolean {
  return REACHES.indexOf(reach) >= REACHES.indexOf(than);
}

/** A source's possible move and the surest reach it is acceptable at (an index into REACHES). */
interface Option {
  move: LoadMove;
  level: number;
  inZone: boolean;
  gap: number;
  evens: number;
}

/**
 * The bundle of the surest reach the zone has (Reach), and within it the move that evens the zone
 * most: from the busiest instance that has one, to the emptiest it can reach; with the service's
 * move in each other zone tied with this one as its emptiest (emptiestZones), since one surge adds a
 * task to each of them; a move to another zone (crossZoneMove, once `across`) only for a source with
 * no move inside the zone. One scan serves every reach: each candidate is rated at its surest.
 */
function bestBundle(
  state: PassState,
  { zone, positions, band }: ZoneBand,
  candidatesAt: Map<number, LoadCandidate[]>,
  across: boolean,
): LoadMove[] | undefined {
  const { ledger } = state;
  const busiestFirst = [...positions].sort((a, b) => ledger.tasks[b] - ledger.tasks[a] || shareOf(ledger, b) - shareOf(ledger, a) || a - b);
  const emptiest = ledger.tasks[busiestFirst[busiestFirst.length - 1]];
  // per reach, the move of the first source (busiest first) that has one acceptable there
  const found: Array<Option | undefined> = REACHES.map(() => undefined);
  for (const from of busiestFirst) {
    if (ledger.tasks[from] - emptiest < 2 || found[0]) break;
    if (state.closed.has(from)) continue;
    const options: Option[] = [];
    for (const candidate of candidatesAt.get(from) ?? []) {
      if ((candidate.counts.get(from) ?? 0) === 0 || state.pending.get(candidate)?.has(zone)) continue;
      const option = rate(state, { zone, positions, band }, from, candidate, across);
      if (option) options.push(option);
    }
    REACHES.forEach((_, level) => (found[level] ??= bestOf(options.filter((o) => o.level <= level))));
  }
  const level = found.findIndex((option) => option !== undefined);
  if (level < 0) return undefined;
  const { move, inZone } = found[level]!;
  return inZone && !move.pin ? [move, ...partnerMoves(state, zone, move.candidate, REACHES[level])] : [move];
}

/** The source's best option: inside the zone, the widest sure gap, then a certain landing over a coin flip, then the move that evens CPU and memory; else a certain move to another zone, then any. */
function bestOf(options: Option[]): Option | undefined {
  let best: Option | undefined;
  for (const option of options.filter((o) => o.inZone)) {
    const certain = option.move.ties === undefined;
    const better =
      !best ||
      option.gap > best.gap ||
      (option.gap === best.gap && (certain !== (best.move.ties === undefined) ? certain : option.evens > best.evens));
    if (better) best = option;
  }
  return best ?? options.find((o) => o.move.ties === undefined) ?? options[0];
}

/**
 * The candidate's move from `from` rated at the surest reach it is acceptable at; undefined when it
 * has none (a useful move that would not land is remembered with its reason).
 */
function rate(state: PassState, here: ZoneBand, from: number, candidate: LoadCandidate, across: boolean): Option | undefined {
  const to = usefulTarget(state, here, from, candidate);
  if (to === undefined) return undefined;
  const key = `${candidate.serviceArn}\n${here.zone}`;
  const fewest = fewestIn(state, here.zone, here.positions, candidate);
  const [task] = candidate.tasksOn(from);
  if (!task) return undefined;
  const pinned = pinnedMove(state, from, to, candidate, task);
  if (pinned) {
    state.refused.delete(key);
    return pinned;
  }
  const emptiest = emptiestZones(state, candidate);
  if (!emptiest.includes(here.zone)) {
    state.refused.set(key, "other-zone-emptier");
    const moved = across ? crossZoneMove(state, here, from, candidate) : undefined;
    return moved && { move: moved, level: moved.ties ? 1 : 0, inZone: false, gap: 0, evens: 0 };
  }
  // the surest reach of the move itself, then of its partners in the other tied zones
  const main = landingLevel(state, from, fewest, here.band.high);
  let partners = 0;
  for (const other of emptiest) {
    if (other === here.zone) continue;
    const level = REACHES.findIndex((reach) => reach !== "even-chance" && partnerMove(state, other, candidate, reach) !== undefined);
    if (level < 0) {
      state.refused.set(key, "zone-tie");
      return undefined;
    }
    partners = Math.max(partners, level);
  }
  if (main === undefined) {
    state.refused.set(key, "coin-flip");
    return undefined;
  }
  state.refused.delete(key);
  const ties = isSure(state, from, fewest) ? undefined : fewest.ties;
  const tasks = state.ledger.tasks;
  // what the move is sure to gain: on a coin flip, the gap to the busiest instance ECS may pick
  const gap = tasks[from] - (ties ? Math.max(...ties.map((at) => mostOf(state, at))) : tasks[to]);
  return {
    move: { candidate, from, to, task, ...(ties ? { ties } : {}) },
    level: Math.max(main, partners),
    inZone: true,
    gap,
    evens: shareEvening(state.ledger, from, to, candidate.needs),
  };
}

/**
 * The move pinned to its target (surgePin.ts), where the service may be pinned: ECS can place the
 * started task only there, so neither the service's tied zones nor its tied instances matter, and
 * the move is certain. A target or source whose load this plan's coin flips leave open (a service
 * that may not be pinned flipped onto it) is judged at its worst. Where ECS's AZ rebalancing owns
 * the service's zones, the move stays in one of its emptiest zones, as an unpinned one does: while
 * the surge lasts, its zones then differ by at most one task, which is even to ECS.
 */
function pinnedMove(state: PassState, from: number, to: number, candidate: LoadCandidate, task: Task): Option | undefined {
  const pin = state.pinMoves ? candidate.pinTo(to) : undefined;
  if (pin === undefined || state.closed.has(to)) return undefined;
  if (candidate.zoneLevelEcs && !emptiestZones(state, candidate).includes(state.ledger.zones[from])) return undefined;
  const gap = leastOf(state, from) - mostOf(state, to);
  if (gap < 2) return undefined;
  return {
    move: { candidate, from, to, task, pin },
    level: 0,
    inZone: true,
    gap,
    evens: shareEvening(state.ledger, from, to, candidate.needs),
  };
}

/** The surest reach at which a move from `from` lands acceptably (see pickOutcome), as an index into REACHES. */
function landingLevel(state: PassState, from: number, fewest: Fewest, high: number): number | undefined {
  if (pickOutcome(state, from, fewest, "certain", high)) return 0;
  if (pickOutcome(state, from, fewest, "gain", high)) return 1;
  if (pickOutcome(state, from, fewest, "even-chance", high)) return EVEN_CHANCE;
  return undefined;
}

const EVEN_CHANCE = REACHES.indexOf("even-chance");

/**
 * A move to another zone, for a service whose started task ECS would put there: its one emptiest
 * zone is another (`other-zone-emptier`). The source's zone holds one more of its tasks than that
 * zone, so one task out of the first and into the second swaps their totals, and the service stays
 * balanced by zone and, within each, by instance. Zone bands are per zone, so this is a gain for the
 * source's zone whenever the task lands on an instance that stays in its own zone's band: each
 * instance ECS may pick there must be at least one task below that band's top.
 */
function crossZoneMove(state: PassState, here: ZoneBand, from: number, candidate: LoadCandidate): LoadMove | undefined {
  if (usefulTarget(state, here, from, candidate) === undefined) return undefined;
  const emptiest = emptiestZones(state, candidate);
  if (emptiest.length !== 1 || emptiest[0] === here.zone || state.pending.get(candidate)?.has(emptiest[0])) return undefined;
  const there = state.zones.get(emptiest[0])!;
  const totals = zoneTotalsOf(state, candidate);
  if (totals.get(here.zone)! !== totals.get(there.zone)! + 1) return undefined;
  const fewest = fewestIn(state, there.zone, there.positions, candidate);
  const tasks = state.ledger.tasks;
  if (fewest.ties.length === 0 || fewest.ties.some((at) => state.closed.has(at) || mostOf(state, at) + 1 > there.band.high))
    return undefined;
  const [task] = candidate.tasksOn(from);
  return task && { candidate, from, to: fewest.target, task, ...(isSure(state, from, fewest) ? {} : { ties: fewest.ties }) };
}

/**
 * Whether a move from `from` is acceptable wherever ECS puts the task among the instances tied for
 * the service's fewest in the zone (a coin flip between them, UpdateService API reference):
 * - all carry the same load: any pick is the plan (`ties` left out);
 * - "gain": each is at least 2 tasks lighter than the source, so the move evens the zone whichever
 *   ECS picks; "swap": at least 1, so it at worst swaps two loads; "even-chance": at least half
 *   are 2 lighter, and a pick of another is undone by the completion (see Reach).
 * A coin flip lists them in `ties`: until the surge ends their loads are open (`unsure`), so a later
 * move of this plan is judged against the worst of them: the source at its lightest, each pick at its
 * busiest. The surge's completion gives up the source's task whichever ECS picks (surgeTag.ts, give).
 */
function pickOutcome(
  state: PassState,
  from: number,
  fewest: Fewest,
  rule: "certain" | "gain" | "swap" | "even-chance",
  high: number,
): { ties?: number[] } | undefined {
  if (fewest.ties.some((at) => state.closed.has(at))) return undefined;
  if (isSure(state, from, fewest)) return {};
  if (rule === "certain") return undefined;
  const least = leastOf(state, from);
  // a gain that costs no later move: the source gives one and the instance stays within the band's top
  const gains = (at: number) => {
    const most = mostOf(state, at);
    return least - most >= 2 && most < high;
  };
  const acceptable =
    rule === "even-chance"
      ? 2 * fewest.ties.filter(gains).length >= fewest.ties.length
      : rule === "gain"
        ? fewest.ties.every(gains)
        : fewest.ties.every((at) => least - mostOf(state, at) >= 1);
  return acceptable ? { ties: fewest.ties } : undefined;
}

/** The emptiest instance ECS could pick when `from` gives one task up, if the move keeps balance and is a gain. */
function usefulTarget(state: PassState, { zone, positions, band }: ZoneBand, from: number, candidate: LoadCandidate): number | undefined {
  const tasks = state.ledger.tasks;
  const fewest = fewestIn(state, zone, positions, candidate);
  if (fewest.ties.length === 0 || (candidate.counts.get(from) ?? 0) !== fewest.count + 1) return undefined;
  const gap = tasks[from] - tasks[fewest.target];
  if (gap < 2 || (tasks[from] <= band.high && tasks[fewest.target] >= band.low)) return undefined;
  return fewest.target;
}

/**
 * ECS places a surge's extra tasks one by one, each in the zone with the fewest tasks of the service
 * at that moment, at random among tied zones. So the zones of a service's load moves must be exactly
 * its emptiest zones, one move in each: with fewer, ECS could give the task to a tied zone without
 * one; with a zone beyond them, the first task would make it tie with them and the next pick would
 * be random. A tied zone is fine only when the service has a landable move there too (a gain, or at
 * a later reach a swap); the moves are then planned together (partnerMoves), so the bundle is never
 * cut short by that zone's own order. A service whose one emptiest zone is another may move there
 * instead (crossZoneMove).
 */
/** The service's zones with the fewest of its tasks, among those whose instances it may use. */
function emptiestZones(state: PassState, candidate: LoadCandidate): string[] {
  const totals = zoneTotalsOf(state, candidate);
  const least = Math.min(...totals.values());
  return [...totals].filter(([, total]) => total === least).map(([zone]) => zone);
}

/** The moves in the other emptiest zones that go with a move in `zone` (rate found each). */
function partnerMoves(state: PassState, zone: string, candidate: LoadCandidate, reach: Reach): LoadMove[] {
  return emptiestZones(state, candidate)
    .filter((other) => other !== zone)
    .map((other) => {
      const move = partnerMove(state, other, candidate, reach);
      if (!move) throw new Error(`invariant: ${candidate.serviceName}'s landable gain in tied zone ${other} is gone`);
      return move;
    });
}

/**
 * The service's landable move in a tied zone: a gain from its busiest instance that has one, to
 * where ECS would place it; failing that, under "gain-with-swap", a swap (a source at least one task
 * above every instance ECS may pick), which at worst exchanges two loads and leaves the band as it was.
 */
function partnerMove(state: PassState, zone: string, candidate: LoadCandidate, reach: Reach): LoadMove | undefined {
  const there = state.zones.get(zone)!;
  const fewest = fewestIn(state, zone, there.positions, candidate);
  const tasks = state.ledger.tasks;
  let best: { from: number; to: number; ties?: number[]; filler?: true } | undefined;
  for (const from of there.positions) {
    if (state.closed.has(from)) continue;
    const to = usefulTarget(state, there, from, candidate);
    const landing =
      to !== undefined ? pickOutcome(state, from, fewest, reach === "certain" ? "certain" : "gain", there.band.high) : undefined;
    if (to !== undefined && landing && (!best || tasks[from] > tasks[best.from])) best = { from, to, ties: landing.ties };
  }
  if (!best && atLeast(reach, "gain-with-swap")) best = swapIn(state, there, candidate, fewest);
  if (!best && atLeast(reach, "gain-with-filler") && state.fillers) best = fillerIn(state, there, candidate, fewest);
  const task = best && candidate.tasksOn(best.from)[0];
  return best && task && { candidate, ...best, task };
}

/**
 * A filler for a tied zone where the service has neither a gain nor a swap: the surge's task in
 * this zone is started only so that the surge's other task lands in the zone that gains (one task
 * per tied zone, see emptiestZones), and the completion gives it up again. It names, as its `from`,
 * the service's task on an instance holding one more than its fewest, the least busy such instance:
 * where ECS puts the started task on an instance busier than that source, the completion stops the
 * started task instead (serviceSpread/surgeEnd.ts, startedInstead) and the zone ends as it was; where
 * the pick is lighter (only when no source is as light as every pick), the named task is stopped,
 * which evens the zone or at worst swaps two loads. Either way one task is started and stopped and
 * no instance ends busier than the busiest before. Its instances, its source included, are kept
 * out of the rest of the plan (`closed`), so that no later move changes the loads the completion
 * compares. (A zone where every instance holds as many of the service's tasks has no such source.)
 */
function fillerIn(
  state: PassState,
  there: ZoneBand,
  candidate: LoadCandidate,
  fewest: Fewest,
): { from: number; to: number; ties: number[]; filler: true } | undefined {
  const tasks = state.ledger.tasks;
  // the completion compares the loads of the filler's instances: none of them may be open
  const open = (at: number) => state.closed.has(at) || state.unsure.has(at);
  if (fewest.ties.length === 0 || fewest.ties.some(open)) return undefined;
  let best: number | undefined;
  for (const from of there.positions) {
    if (open(from) || (candidate.counts.get(from) ?? 0) !== fewest.count + 1) continue;
    if (best === undefined || tasks[from] < tasks[best]) best = from;
  }
  return best === undefined ? undefined : { from: best, to: fewest.target, ties: fewest.ties, filler: true };
}

/** A swap of the candidate's task in the zone: from its busiest instance holding one more than its fewest, above every instance ECS may pick. */
function swapIn(
  state: PassState,
  there: ZoneBand,
  candidate: LoadCandidate,
  fewest: Fewest,
): { from: number; to: number; ties?: number[] } | undefined {
  const tasks = state.ledger.tasks;
  let best: { from: number; to: number; ties?: number[] } | undefined;
  for (const from of there.positions) {
    if (state.closed.has(from) || (candidate.counts.get(from) ?? 0) !== fewest.count + 1) continue;
    if (fewest.ties.length === 0 || !fewest.ties.every((at) => tasks[from] - tasks[at] >= 1)) continue;
    const landing = pickOutcome(state, from, fewest, "swap", there.band.high);
    if (landing && (!best || tasks[from] > tasks[best.from])) best = { from, to: fewest.target, ties: landing.ties };
  }
  return best;
}

/**
 * The zone's instances with room that hold the fewest of the candidate's tasks, cached: room only
 * shrinks while the pass plans (a move takes room on its target and gives none back), so a cached
 * list stays right once the instances that lost their room are dropped, unless none is left.
 */
function fewestIn(state: PassState, zone: string, positions: number[], candidate: LoadCandidate): Fewest {
  const cache = state.fewest.get(candidate) ?? new Map<string, Fewest>();
  state.fewest.set(candidate, cache);
  const hasRoom = (at: number) => room(state.ledger.free[at], candidate.needs) > 0;
  const cached = cache.get(zone);
  if (cached && cached.version === state.version) return cached;
  const ties = cached?.ties.filter(hasRoom) ?? [];
  const fewest = ties.length > 0 ? withTarget(state, cached!.count, ties) : scanZone(state, positions, candidate, hasRoom);
  cache.set(zone, fewest);
  return fewest;
}

function scanZone(state: PassState, positions: number[], candidate: LoadCandidate, hasRoom: (at: number) => boolean): Fewest {
  let count = Infinity;
  let ties: number[] = [];
  for (const at of positions) {
    if (!candidate.allows(at) || !hasRoom(at)) continue;
    const held = candidate.counts.get(at) ?? 0;
    if (held < count) {
      count = held;
      ties = [at];
    } else if (held === count) ties.push(at);
  }
  return withTarget(state, count, ties);
}

function withTarget(state: PassState, count: number, ties: number[]): Fewest {
  const tasks = state.ledger.tasks;
  let target = ties[0] ?? -1;
  let allEqual = true;
  for (const at of ties) {
    if (tasks[at] !== tasks[target]) allEqual = false;
    if (tasks[at] < tasks[target]) target = at;
  }
  return { count, ties, target, allEqual, version: state.version };
}

/** The service's tasks per zone with an instance it may use (a move to another zone updates them, apply). */
function zoneTotalsOf(state: PassState, candidate: LoadCandidate): Map<string, number> {
  let totals = state.zoneTotals.get(candidate);
  if (!totals) {
    totals = new Map<string, number>();
    for (let at = 0; at < state.ledger.zones.length; at++) {
      if (!candidate.allows(at)) continue;
      const z = state.ledger.zones[at];
      totals.set(z, (totals.get(z) ?? 0) + (candidate.counts.get(at) ?? 0));
    }
    state.zoneTotals.set(candidate, totals);
  }
  return totals;
}

function apply(state: PassState, zone: string, move: LoadMove): void {
  const { candidate, from, to, ties } = move;
  // the completion gives the started task up where the pick is as busy as the source or busier
  // (surgeEnd.ts, startedInstead): the source may then keep its task
  const undone = ties !== undefined && ties.some((at) => mostOf(state, at) >= leastOf(state, from));
  if (move.filler || (ties && !state.sideBySide)) {
    // a filler may stop its named task or the started one: its instances, source included, stay out
    // of the plan; so do a flip's picks, and its source where the pick may be undone, unless side by side
    for (const at of ties ?? []) state.closed.add(at);
    if (move.filler || undone) state.closed.add(from);
  } else if (ties) {
    // the ledger records the pick as `to`; ECS may pick another tie
    for (const at of ties) if (at !== to) widen(state, at, "up");
    widen(state, to, "down");
    if (undone) widen(state, from, "up");
  }
  state.refused.delete(`${candidate.serviceArn}\n${zone}`);
  const zones = state.pending.get(candidate) ?? new Set<string>();
  state.pending.set(candidate, zones.add(zone));
  // a pinned move is alone in its surge: with a second pinned task in a tied zone, ECS's pick of
  // zone for each would be a coin flip between the two pins
  if (move.pin) for (const z of state.zones.keys()) zones.add(z);
  // a filler is planned as moving nothing (the zone as it was once the surge ends): its instances
  // are kept out of the plan above, so whatever ECS picks, no later move counts on their loads
  if (move.filler) return;
  candidate.counts.set(from, candidate.counts.get(from)! - 1);
  candidate.counts.set(to, (candidate.counts.get(to) ?? 0) + 1);
  const landing = state.ledger.zones[to];
  if (landing !== zone) {
    // a move to another zone (crossZoneMove): the service's zone totals change, and it moves no more this plan
    const totals = zoneTotalsOf(state, candidate);
    totals.set(zone, totals.get(zone)! - 1);
    totals.set(landing, totals.get(landing)! + 1);
    for (const z of state.zones.keys()) zones.add(z);
  }
  recordMove(state.ledger, from, to, candidate.needs);
  state.version++;
}

/**
 * Whether any pick ECS makes among the ties is the plan: they carry equal loads on the ledger, and
 * no coin flip of this plan leaves those loads (or the source's) open.
 */
function isSure(state: PassState, from: number, fewest: Fewest): boolean {
  return fewest.allEqual && !state.unsure.has(from) && !fewest.ties.some((at) => state.unsure.has(at));
}

/** The instance's busiest load once this plan's coin flips are decided. */
function mostOf(state: PassState, at: number): number {
  return state.ledger.tasks[at] + (state.unsure.get(at)?.up ?? 0);
}

/** The instance's lightest load once this plan's coin flips are decided. */
function leastOf(state: PassState, at: number): number {
  return state.ledger.tasks[at] - (state.unsure.get(at)?.down ?? 0);
}

function widen(state: PassState, at: number, side: "up" | "down"): void {
  const range = state.unsure.get(at) ?? { up: 0, down: 0 };
  range[side]++;
  state.unsure.set(at, range);
}

/** How much closer the two instances' CPU and memory shares get if one task of these needs moves. */
function shareEvening(ledger: Ledger, from: number, to: number, needs: TaskNeeds): number {
  const gap = (cpuFrom: number, cpuTo: number, memFrom: number, memTo: number) =>
    Math.abs(ratio(cpuFrom, ledger.registered[from].cpu) - ratio(cpuTo, ledger.registered[to].cpu)) +
    Math.abs(ratio(memFrom, ledger.registered[from].memory) - ratio(memTo, ledger.registered[to].memory));
  const now = gap(ledger.cpu[from], ledger.cpu[to], ledger.memory[from], ledger.memory[to]);
  const after = gap(
    ledger.cpu[from] - needs.cpu,
    ledger.cpu[to] + needs.cpu,
    ledger.memory[from] - needs.memory,
    ledger.memory[to] + needs.memory,
  );
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
