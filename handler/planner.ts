import { ClusterLoadArgs, DEFAULT_CLUSTER_LOAD_ARGS } from "./clusterLoad/args";
import { planClusterLoad } from "./clusterLoad/loadPass";
import { LoadReport } from "./clusterLoad/loadReport";
import { SkipCode } from "./eligibility";
import { loadOf, readLedger } from "./ledger";
import { readClusterState } from "./serviceLayout";
import { planSpread } from "./serviceSpread/spreadPass";
import { Snapshot } from "./snapshot";
import { dedupeSnapshot } from "./snapshotDedupe";
import type { PlacementConstraint } from "@aws-sdk/client-ecs";
import { Surge } from "./surgeTag";

/** One task to move: stop it on `from` so that ECS starts its replacement on `to`. */
export interface Move {
  service: string;
  serviceName: string;
  taskArn: string;
  from: string;
  /** The instance the replacement should land on, or null where ECS chooses (a custom attribute's group; a surge's stops). */
  to: string | null;
  /** The spread group that should receive the task (for example the zone), for reports. */
  toGroup: string[];
  /**
   * The pass that planned it: "spread" evens the service itself, "load" evens its zone's instances
   * and must start its task before stopping the old one (see clusterLoad/loadPass.ts).
   */
  pass: "spread" | "load";
  /**
   * A load move whose landing is a coin flip: every instance ECS may pick for the started task (one
   * of them `to`, the lightest), each a gain or at worst a swap of two loads (clusterLoad/loadPass.ts).
   */
  landsOn?: string[];
  /**
   * A load move's filler in a zone tied with it (clusterLoad/loadPass.ts, fillerIn): the surge
   * starts a task there only so that the move's own task lands where planned, and gives it up when
   * it ends; `from` and `to` say where. Where ECS puts it on an instance lighter than `from`, the
   * task on `from` stops instead (an evening or a swap of two loads, never a loss).
   */
  filler?: true;
  /**
   * The service's next move in the plan surges with this one: ECS puts the surge's tasks where
   * planned only for the moves together (zones tied, surgeLanding.ts; a load move's partner or
   * filler, clusterLoad/loadPass.ts). The executor takes such moves whole or leaves them whole
   * (landingGroup.ts, budget.ts), so that a budget never turns a sure landing into a coin flip.
   */
  withNext?: true;
  /**
   * A load move whose started task is pinned to `to` (this EC2 instance ID) by a placement
   * constraint while its surge lasts (surgePin.ts): ECS can put it nowhere else, so it is no coin
   * flip and needs no partner or filler. Always alone in its surge.
   */
  pin?: string;
}

export interface Skip {
  service: string;
  serviceName: string;
  reason: SkipCode;
  detail: string;
}

/**
 * What to do with a surge recorded on a service (see serviceSpread/surgeEnd.ts and executor.ts).
 * `restoreConstraints`: the service's placement constraints without the surge's pin, where the pin
 * is still among them (surgePin.ts); ending or forgetting the surge writes them back.
 */
export type SurgeAction = (
  | { kind: "complete"; service: string; serviceName: string; surge: Surge; stop: Move[]; keep: string[] }
  | { kind: "rollback"; service: string; serviceName: string; surge: Surge; detail: string; keep: string[] }
  | { kind: "forget"; service: string; serviceName: string; detail: string }
  /** A pinned surge on a service being deployed: only the pin goes now (serviceDeployments.ts); the surge waits. */
  | { kind: "unpin"; service: string; serviceName: string; detail: string }
) & { restoreConstraints?: PlacementConstraint[] };

export interface Plan {
  clusterArn: string;
  moves: Move[];
  surges: SurgeAction[];
  skipped: Skip[];
  /** Eligible services with nothing to do. */
  balanced: string[];
  load: LoadReport;
}

export interface PlanOptions {
  now: Date;
  /** A surge that is not steady after this long is rolled back. */
  surgeTimeoutSeconds: number;
  /** The cluster load pass; its defaults when absent. */
  clusterLoad?: ClusterLoadArgs;
}

/**
 * Snapshot to plan, with no I/O: the passes in order over one ledger of instance room and load
 * (ledger.ts), each planned move taking room on its target and moving load from source to target.
 *
 * 1. Service spread (serviceSpread/): every service balanced by its own strategy; a surge of ours
 *    in flight is ended instead.
 * 2. Cluster load (clusterLoad/): within each zone, the instances' task counts brought into the
 *    band, moving only services the first pass left balanced. It never breaks the first pass's work.
 *
 * Which task leaves an instance is decided in one place for both (leavingTask.ts). The plan says
 * what to move; the executor decides how and how much. Every service ends in exactly one of: moves,
 * a surge action, skipped (with its reason), or balanced.
 */
export function planMoves(listed: Snapshot, options: PlanOptions): Plan {
  // read: one entry per ARN, the instances that can take tasks, each service's tasks
  const { snapshot, duplicateServiceNames } = dedupeSnapshot(listed);
  const cluster = readClusterState(snapshot.containerInstances, snapshot.tasks, snapshot.taskDefinitions);
  // the one ledger both passes read and update, and the loads before either pass (for the report)
  const ledger = readLedger(cluster.available, cluster.availableFree, cluster.availableLoad);
  const before = ledger.arns.map((_, at) => loadOf(ledger, at));

  // pass 1, then pass 2 on what pass 1 left on the ledger
  const spread = planSpread(snapshot.services, cluster, ledger, {
    now: options.now,
    surgeTimeoutSeconds: options.surgeTimeoutSeconds,
    duplicateServiceNames,
  });
  const load = planClusterLoad(ledger, cluster, spread, options.clusterLoad ?? DEFAULT_CLUSTER_LOAD_ARGS, before);

  // the plan: a service the load pass moved is no longer "balanced with nothing to do"
  const movedByLoad = new Set(load.moves.map((m) => m.service));
  return {
    clusterArn: snapshot.clusterArn,
    moves: [...spread.moves, ...load.moves],
    surges: spread.surges,
    skipped: spread.skipped,
    balanced: spread.balanced.map(({ service }) => service.serviceArn!).filter((arn) => !movedByLoad.has(arn)),
    load: load.report,
  };
}
