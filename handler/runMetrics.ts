import { WaveReport } from "./executor";
import { measureLoadBand } from "./loadBand";
import { Plan } from "./planner";
import { measureServiceSkew, ServiceSkew } from "./serviceSkew";
import { Snapshot } from "./snapshot";

/**
 * What one run on one cluster did and saw, as numbers: the source of the function's CloudWatch
 * metrics (emf.ts). Counts of writes are what was written: a dry run writes nothing, so it moves,
 * surges and rolls back nothing; what it would have done is in MovesPlanned and the logs.
 */
export interface RunMeasures {
  clusterName: string;
  counts: {
    TasksMoved: number;
    MovesPlanned: number;
    MovesDeferred: number;
    SurgesStarted: number;
    SurgesCompleted: number;
    SurgesRolledBack: number;
    SurgesForgotten: number;
    SurgesInFlight: number;
    WriteErrors: number;
    RunFailures: number;
    /** 1 when the run found the cluster not where the planner wants it (moves to make or a surge under way). */
    OutOfBalance: number;
    LoadBand: number;
    MaxSkewBefore: number;
    MaxSkewAfter: number;
  };
  skippedByReason: Record<string, number>;
  loadBandByZone: Record<string, number>;
  services: ServiceSkew[];
}

export function measureRun(snapshot: Snapshot, plan: Plan, wave: WaveReport): RunMeasures {
  const written = wave.dryRun ? [] : wave.actions;
  const count = (kind: string) => written.filter((a) => a.kind === kind).length;
  const skipped = [...plan.skipped, ...wave.skipped];
  const band = measureLoadBand(snapshot.containerInstances, snapshot.tasks);
  const services = measureServiceSkew(snapshot, plan, written);
  const inFlight = skipped.filter((s) => s.reason === "surge-in-flight").length;
  return {
    clusterName: clusterNameOf(snapshot.clusterArn),
    counts: {
      // a move is a task stopped so that ECS starts it elsewhere: directly, or to finish a surge
      TasksMoved: written.filter((a) => a.kind === "stop" || a.kind === "complete-surge").reduce((n, a) => n + a.tasks.length, 0),
      MovesPlanned: plan.moves.length,
      MovesDeferred: wave.deferred,
      SurgesStarted: count("surge"),
      SurgesCompleted: count("complete-surge"),
      SurgesRolledBack: count("rollback-surge"),
      SurgesForgotten: count("forget-surge"),
      SurgesInFlight: inFlight,
      WriteErrors: wave.errors.length,
      RunFailures: 0,
      OutOfBalance: plan.moves.length > 0 || inFlight > 0 || plan.surges.some((s) => s.kind !== "forget") ? 1 : 0,
      LoadBand: band.worst,
      MaxSkewBefore: Math.max(0, ...services.map((s) => s.before)),
      MaxSkewAfter: Math.max(0, ...services.map((s) => s.after)),
    },
    skippedByReason: tally(skipped.map((s) => s.reason)),
    loadBandByZone: band.byZone,
    services,
  };
}

/** A run that failed before it could plan: only the failure is known. */
export function measureFailedRun(cluster: string): RunMeasures {
  const counts = Object.fromEntries(COUNT_NAMES.map((n) => [n, n === "RunFailures" ? 1 : 0])) as RunMeasures["counts"];
  return { clusterName: clusterNameOf(cluster), counts, skippedByReason: {}, loadBandByZone: {}, services: [] };
}

const COUNT_NAMES: Array<keyof RunMeasures["counts"]> = [
  "TasksMoved",
  "MovesPlanned",
  "MovesDeferred",
  "SurgesStarted",
  "SurgesCompleted",
  "SurgesRolledBack",
  "SurgesForgotten",
  "SurgesInFlight",
  "WriteErrors",
  "RunFailures",
  "OutOfBalance",
  "LoadBand",
  "MaxSkewBefore",
  "MaxSkewAfter",
];

export function clusterNameOf(cluster: string): string {
  return cluster.slice(cluster.lastIndexOf("/") + 1);
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
