/**
 * The simulator's state and how names/ARNs resolve to it. ECS accepts either a short name or a
 * full ARN for clusters, services, tasks and container instances; so does every lookup here.
 */
import type { Tag } from "@aws-sdk/client-ecs";
import { VirtualClock } from "./clock";
import { Random } from "./random";
import { EcsError, clientError, invalidParameter } from "./errors";
import { EventQueue } from "./events";
import { TokenBuckets } from "./tokenBuckets";
import type { SimCluster, SimContainerInstance, SimService, SimTask, SimTaskDefinition } from "./model";

export interface Timing {
  /** Seconds from launch (PROVISIONING) to RUNNING. */
  taskStartSeconds: number;
  /** Seconds from the stop request to STOPPED: the target group's deregistration delay + stopTimeout. */
  taskStopSeconds: number;
  /** Seconds from an Auto Scaling launch to the container instance registering. */
  instanceBootSeconds: number;
  /**
   * Seconds a service must be steady with uneven zones before ECS's AZ rebalancing starts a round.
   * AWS does not document it.
   */
  azRebalancingDelaySeconds: number;
  /**
   * Seconds the service scheduler takes to react to a change (a task stopped, a desired count
   * changed): ECS's scheduler is asynchronous. 0 reacts on the next tick.
   */
  schedulerDelaySeconds: number;
  /** Virtual seconds each API call takes, so that time passes between two calls of one invocation. */
  apiCallSeconds: number;
}

export interface Faults {
  /** Fraction (0..1) of API requests answered ThrottlingException. */
  throttleRate: number;
  /** Real milliseconds added to every API response. */
  latencyMs: number;
  /** Fraction of ARNs in Describe* calls answered as `failures` (reason MISSING) although they exist. */
  describeFailureRate: number;
  /** Fraction of events delivered twice (same detail.version), as EventBridge's at-least-once delivery may. */
  duplicateEventRate: number;
  /** Deliver the events of one takeEvents() batch in shuffled order. */
  reorderEvents: boolean;
  /** Operations answered AccessDeniedException (an IAM policy that does not allow them). */
  deniedOperations: string[];
  /** ECS's token buckets, refilled in virtual time (tokenBuckets.ts); off by default. */
  tokenBuckets: boolean;
  /** Another caller of the account (a deploy pipeline) taking UpdateService tokens at this rate. */
  foreignUpdateServicePerSecond: number;
}

export interface Metrics {
  /** Per service name: the lowest count of RUNNING tasks seen at any tick since resetMetrics(). */
  minRunning: Record<string, number>;
  /** Tasks that were RUNNING when StopTask stopped them. */
  tasksStoppedByStopTask: number;
  /** RUNNING tasks the scheduler's scale-in stopped because an API UpdateService lowered the desired count. */
  tasksStoppedByApiScaleIn: number;
  /** RUNNING tasks ECS's own Availability Zone rebalancing stopped. */
  tasksStoppedByAzRebalancing: number;
  /** StopTask calls (API or direct), whatever the task's state. */
  stopTaskCalls: number;
  taskDefinitionsRegistered: number;
  /** Tasks launched by the service scheduler. */
  tasksStarted: number;
}

export function emptyMetrics(): Metrics {
  return {
    minRunning: {},
    tasksStoppedByStopTask: 0,
    tasksStoppedByApiScaleIn: 0,
    tasksStoppedByAzRebalancing: 0,
    stopTaskCalls: 0,
    taskDefinitionsRegistered: 0,
    tasksStarted: 0,
  };
}

export class EcsState {
  readonly clusters = new Map<string, SimCluster>();
  readonly taskDefinitions = new Map<string, SimTaskDefinition>();
  readonly families = new Map<string, SimTaskDefinition[]>();
  readonly tags = new Map<string, Tag[]>();
  /** Tasks whose lastStatus has not caught up with their schedule (starting or stopping). */
  readonly transitioning = new Set<SimTask>();
  /** STOPPED tasks in stop order, purged after STOPPED_RETENTION_MS like ECS does. */
  readonly stoppedTasks: SimTask[] = [];
  metrics: Metrics = emptyMetrics();
  readonly buckets = new TokenBuckets();
  /**
   * Fault draws (throttling, describe failures, duplicated and reordered events) have a stream of
   * their own, so that injecting faults does not change ECS's own choices (placement ties, which
   * task a scale-in stops): a run with faults stays comparable with its control.
   */
  faultRandom: Random;

  constructor(
    public region: string,
    public accountId: string,
    readonly clock: VirtualClock,
    public random: Random,
    readonly timing: Timing,
    readonly faults: Faults,
    readonly events: EventQueue,
  ) {
    this.faultRandom = random.derive();
  }

  arn(resource: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:${resource}`;
  }

  get nowMs(): number {
    return this.clock.nowMs;
  }

  cluster(nameOrArn: string | undefined): SimCluster {
    const name = lastSegment(nameOrArn ?? "default");
    const cluster = this.clusters.get(name);
    if (!cluster) throw new EcsError("ClusterNotFoundException", "Cluster not found.");
    return cluster;
  }

  service(cluster: SimCluster, nameOrArn: string): SimService | undefined {
    return cluster.services.get(lastSegment(nameOrArn));
  }

  requireService(cluster: SimCluster, nameOrArn: string): SimService {
    const service = this.service(cluster, nameOrArn);
    if (!service) throw new EcsError("ServiceNotFoundException", "Service not found.");
    return service;
  }

  task(cluster: SimCluster, idOrArn: string): SimTask | undefined {
    return cluster.tasks.get(this.arn(`task/${cluster.name}/${lastSegment(idOrArn)}`));
  }

  containerInstance(cluster: SimCluster, idOrArn: string): SimContainerInstance | undefined {
    return cluster.instances.get(this.arn(`container-instance/${cluster.name}/${lastSegment(idOrArn)}`));
  }

  /** Finds a container instance in any cluster (direct helpers take bare ARNs). */
  containerInstanceByArn(arn: string): SimContainerInstance {
    for (const cluster of this.clusters.values()) {
      const instance = cluster.instances.get(arn);
      if (instance) return instance;
    }
    throw new Error(`no container instance ${arn} in the simulator`);
  }

  /** Resolves `family`, `family:revision` or a task definition ARN, as ECS does. */
  taskDefinition(reference: string | undefined): SimTaskDefinition {
    if (!reference) throw invalidParameter("TaskDefinition can not be blank.");
    const short = reference.startsWith("arn:") ? reference.slice(reference.indexOf("task-definition/") + 16) : reference;
    const [family, revision] = short.split(":");
    const revisions = this.families.get(family) ?? [];
    const found =
      revision === undefined
        ? [...revisions].reverse().find((d) => d.status === "ACTIVE")
        : revisions.find((d) => d.revision === Number(revision));
    if (!found) throw clientError("Unable to describe task definition.");
    return found;
  }

  /** Finds a service by ARN in any cluster (for tagging). */
  serviceByArn(arn: string): SimService | undefined {
    const parts = arn.split(":").pop()?.split("/") ?? [];
    if (parts[0] !== "service" || parts.length !== 3) return undefined;
    return this.clusters.get(parts[1])?.services.get(parts[2]);
  }
}

/** The last path segment of a name or ARN: `arn:...:service/c/web` and `web` both give `web`. */
export function lastSegment(nameOrArn: string): string {
  const slash = nameOrArn.lastIndexOf("/");
  if (slash >= 0) return nameOrArn.slice(slash + 1);
  if (nameOrArn.startsWith("arn:")) return nameOrArn.split(":").pop() ?? nameOrArn;
  return nameOrArn;
}

export const STOPPED_RETENTION_MS = 60 * 60 * 1000;
