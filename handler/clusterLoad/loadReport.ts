import { InstanceLoad, Ledger, loadOf } from "../ledger";
import { ClusterLoadArgs } from "./args";
import type { LoadPassResult, Unlandable } from "./loadPass";

/** The cluster load pass's outcome: each zone's instance loads before and after the plan, with its band. */
export interface LoadReport {
  /** The pass's tolerance in tasks (0: off; args.ts). */
  bandTasks: number;
  /** Why the pass planned nothing this time, when it was held back (hold.ts). */
  held?: string;
  /**
   * Services with a useful load move in a zone that ECS would not place where planned: another zone
   * holds fewer of its tasks, a tied zone has no gain of its own, or ECS's pick among the zone's
   * emptiest instances would be a coin flip between unequal loads (see loadPass.ts).
   * Those moves are not planned.
   */
  unlandable?: Record<Unlandable, number>;
  zones: ZoneLoad[];
}

export interface ZoneLoad {
  zone: string;
  /** The band after the plan (band.ts): task counts from low to high are in band. */
  low: number;
  high: number;
  average: number;
  instances: Array<{ containerInstanceArn: string; before: InstanceLoad; after: InstanceLoad }>;
}

/** The report, read once the passes have planned: the ledger then holds every instance's load after the plan. */
export function reportLoad(
  ledger: Ledger,
  { zones, unlandable }: LoadPassResult,
  args: ClusterLoadArgs,
  before: InstanceLoad[],
  held: string | undefined,
): LoadReport {
  const report = zones.map(({ zone, positions, band }) => ({
    zone,
    low: band.low,
    high: band.high,
    average: band.average,
    instances: positions.map((at) => ({ containerInstanceArn: ledger.arns[at], before: before[at], after: loadOf(ledger, at) })),
  }));
  const refused = Object.values(unlandable).some((n) => n > 0);
  return {
    bandTasks: args.bandTasks,
    ...(held && args.bandTasks > 0 ? { held } : {}),
    ...(refused ? { unlandable } : {}),
    zones: report,
  };
}
