import type { ClusterLoadArgs } from "../handler/clusterLoad/args";
import { Move, Plan, planMoves } from "../handler/planner";
import { Snapshot } from "../handler/snapshot";
import { readSurge } from "../handler/surgeTag";

/**
 * Measures whether cluster load moves land where they were planned, from outside the rebalancer:
 * before each invocation it plans the cluster itself (the same engine, default settings) and keeps
 * the load moves; after it, a service that has just been surged is matched with its first planned
 * load moves (as many as the surge added). When the surge is over (its tag gone), a move landed as
 * planned if its target instance holds one more task of the service than when it was planned; a
 * coin-flip move (`landsOn`) that landed on another of the instances it accepted is counted apart.
 * A filler (`Move.filler`) is counted apart: given back if its named task still runs (else ECS put
 * the started task on a lighter instance and the named task stopped instead).
 */
export interface LandingCounts {
  planned: number;
  landed: number;
  /** Coin-flip moves that landed on another instance the plan accepted (each a gain or a swap), not on `to`. */
  onAcceptedTie: number;
  /** Fillers started in a tied zone (tasks started only so that a load move lands), and those given up again as planned. */
  fillers: number;
  fillersGivenBack: number;
}

/** What is read when the surge is over, from the service's tasks per instance when it was planned. */
type Pending =
  /** A load move: the planned instance first, then the other instances a coin-flip move accepted. */
  | { targets: string[]; countsThen: number[] }
  /** A filler: given back if the instance of the task it names holds as many of the service's tasks as then. */
  | { filler: string; countThen: number };

export class LandingTracker {
  readonly counts: LandingCounts = { planned: 0, landed: 0, onAcceptedTie: 0, fillers: 0, fillersGivenBack: 0 };
  private readonly pending = new Map<string, Pending[]>();
  private last?: { plan: Plan; snapshot: Snapshot };

  /** `clusterLoad`: the load pass's args the rebalancer runs with (the engine's defaults when absent). */
  constructor(private readonly clusterLoad?: ClusterLoadArgs) {}

  before(snapshot: Snapshot): void {
    const options = { now: new Date(), surgeTimeoutSeconds: 900, ...(this.clusterLoad ? { clusterLoad: this.clusterLoad } : {}) };
    this.last = { plan: planMoves(snapshot, options), snapshot };
  }

  after(snapshot: Snapshot): void {
    for (const service of snapshot.services) {
      const arn = service.serviceArn!;
      const surge = readSurge(service);
      const surging = surge !== undefined && "to" in surge;
      if (surging && !this.pending.has(arn) && this.last) this.startWatching(arn, surge.to - surge.from, this.last);
      if (!surging && this.pending.has(arn)) this.settle(arn, snapshot);
    }
  }

  private startWatching(arn: string, extra: number, { plan, snapshot }: { plan: Plan; snapshot: Snapshot }): void {
    const moves = plan.moves.filter((m: Move) => m.service === arn && m.pass === "load").slice(0, extra);
    if (moves.length === 0) return;
    const name = plan.moves.find((m) => m.service === arn)!.serviceName;
    this.pending.set(
      arn,
      moves.map((m): Pending => {
        if (m.filler) return { filler: m.from, countThen: tasksOn(snapshot, name, m.from) };
        const targets = [m.to!, ...(m.landsOn ?? []).filter((arn) => arn !== m.to)];
        return { targets, countsThen: targets.map((arn) => tasksOn(snapshot, name, arn)) };
      }),
    );
    const fillers = moves.filter((m) => m.filler).length;
    this.counts.fillers += fillers;
    this.counts.planned += moves.length - fillers;
  }

  private settle(arn: string, snapshot: Snapshot): void {
    const name = snapshot.services.find((s) => s.serviceArn === arn)!.serviceName!;
    for (const watched of this.pending.get(arn)!) {
      if ("filler" in watched) {
        if (tasksOn(snapshot, name, watched.filler) >= watched.countThen) this.counts.fillersGivenBack++;
        continue;
      }
      const gained = watched.targets.map((target, i) => tasksOn(snapshot, name, target) > watched.countsThen[i]);
      if (gained[0]) this.counts.landed++;
      else if (gained.some(Boolean)) this.counts.onAcceptedTie++;
    }
    this.pending.delete(arn);
  }
}

function tasksOn(snapshot: Snapshot, serviceName: string, instanceArn: string): number {
  return snapshot.tasks.filter(
    (t) => t.group === `service:${serviceName}` && t.containerInstanceArn === instanceArn && t.lastStatus === "RUNNING",
  ).length;
}
