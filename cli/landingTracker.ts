import { Move, Plan, planMoves } from "../handler/planner";
import { Snapshot } from "../handler/snapshot";
import { readSurge } from "../handler/surgeTag";

/**
 * Measures whether cluster load moves land where they were planned, from outside the rebalancer:
 * before each invocation it plans the cluster itself (the same engine, default settings) and keeps
 * the load moves; after it, a service that has just been surged is matched with its first planned
 * load moves (as many as the surge added). When the surge is over (its tag gone), a move landed as
 * planned if its target instance holds one more task of the service than when it was planned.
 */
export interface LandingCounts {
  planned: number;
  landed: number;
}

interface Pending {
  to: string;
  countThen: number;
}

export class LandingTracker {
  readonly counts: LandingCounts = { planned: 0, landed: 0 };
  private readonly pending = new Map<string, Pending[]>();
  private last?: { plan: Plan; snapshot: Snapshot };

  before(snapshot: Snapshot): void {
    this.last = { plan: planMoves(snapshot, { now: new Date(), surgeTimeoutSeconds: 900 }), snapshot };
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
      moves.map((m) => ({ to: m.to!, countThen: tasksOn(snapshot, name, m.to!) })),
    );
    this.counts.planned += moves.length;
  }

  private settle(arn: string, snapshot: Snapshot): void {
    const name = snapshot.services.find((s) => s.serviceArn === arn)!.serviceName!;
    for (const move of this.pending.get(arn)!) if (tasksOn(snapshot, name, move.to) > move.countThen) this.counts.landed++;
    this.pending.delete(arn);
  }
}

function tasksOn(snapshot: Snapshot, serviceName: string, instanceArn: string): number {
  return snapshot.tasks.filter(
    (t) => t.group === `service:${serviceName}` && t.containerInstanceArn === instanceArn && t.lastStatus === "RUNNING",
  ).length;
}
