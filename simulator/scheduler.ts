/**
 * The service scheduler, run once per tick for every service. For REPLICA services it keeps
 * desiredCount tasks of the PRIMARY deployment on ACTIVE instances, replacing tasks of older
 * deployments and tasks on DRAINING instances within the deployment bounds: new tasks start while
 * the total stays within maximumPercent, old ones stop while RUNNING tasks stay at or above
 * minimumHealthyPercent.
 */
import type { EcsState } from "./state";
import type { SimCluster, SimService, SimTask } from "./model";
import {
  activeTasks,
  chooseInstance,
  effectiveStrategies,
  keepBest,
  countByValue,
  spreadKey,
  binpackMeasure,
  spreadsByZoneFirst,
} from "./placement";
import { launchTask, requestStop, requirementsOf } from "./tasks";
import { addServiceEvent, isServiceSteady, recordPlacementOutcome, unplaceableMessage, updateRollout } from "./deployments";
import { tickDaemonService } from "./daemonScheduler";
import { envelope } from "./events";
import { rebalancingExtra } from "./azRebalancing";
import { isProtected } from "./taskProtection";
import { isCleanUpDue, isShifting } from "./trafficShift";

export function tickService(state: EcsState, cluster: SimCluster, service: SimService): void {
  if (service.status === "INACTIVE") return;
  if (service.schedulingStrategy === "DAEMON") tickDaemonService(state, cluster, service);
  else tickReplicaService(state, cluster, service);
  updateRollout(state, service);
  if (service.status === "DRAINING" && service.tasks.size === 0) service.status = "INACTIVE";
  // compared with the last tick's verdict: a task may turn RUNNING (tickTasks) before this runs
  const wasSteady = service.wasSteady ?? false;
  service.wasSteady = isServiceSteady(service);
  if (!wasSteady && service.wasSteady && service.status === "ACTIVE") {
    addServiceEvent(state, service, `(service ${service.name}) has reached a steady state.`);
    publishSteadyState(state, cluster, service);
  }
}

/** ECS publishes an "ECS Service Action" event, SERVICE_STEADY_STATE, when a service becomes steady. */
function publishSteadyState(state: EcsState, cluster: SimCluster, service: SimService): void {
  const createdAt = new Date(state.nowMs).toISOString();
  const detail = { eventType: "INFO", eventName: "SERVICE_STEADY_STATE", clusterArn: cluster.arn, createdAt };
  state.events.publish(envelope(state, "ECS Service Action", service.arn, detail));
}

function tickReplicaService(state: EcsState, cluster: SimCluster, service: SimService): void {
  if (!isSchedulerAwake(state, service)) return;
  const primaryId = service.deployments[0].id;
  // tasks an AZ rebalancing round started stay until it stops as many in the fullest zone
  const desired = service.desiredCount + rebalancingExtra(service);
  // an UNHEALTHY task is replaced like a task of an old deployment, by its own rule below
  const unhealthy = [...activeTasks(service)].filter(isUnhealthy);
  const active = [...activeTasks(service)].filter((t) => !isUnhealthy(t));
  const isCurrent = (t: SimTask) => t.deploymentId === primaryId && t.containerInstance.status === "ACTIVE";
  const current = active.filter(isCurrent);
  const old = active.filter((t) => !isCurrent(t));

  // Scale-in: surplus tasks of the current deployment, chosen as the strategies dictate among the
  // tasks without scale-in protection (ECS never scales in a protected task; it waits).
  const unprotected = current.filter((t) => !isProtected(state, t));
  const surplus = chooseTasksToStop(state, service, unprotected, current.length - desired);
  for (const task of surplus) {
    if ((service.apiScaleIn ?? 0) > 0 && task.lastStatus === "RUNNING") state.metrics.tasksStoppedByApiScaleIn++;
    requestStop(state, task, scalingReason(service), "ServiceSchedulerInitiated");
  }
  if (current.length - surplus.length <= desired) service.apiScaleIn = undefined;
  const kept = current.length - surplus.length;

  if (isShifting(service)) {
    // blue/green: the green revision scales up beside the blue tasks, whatever maximumPercent says;
    // the blue tasks go only at clean-up, after the traffic shift and the bake time
    launchTasks(state, cluster, service, desired - kept);
    const greenRunning = current.filter((t) => t.lastStatus === "RUNNING").length;
    if (isCleanUpDue(state, service, service.deployments[0], greenRunning)) {
      for (const task of old) requestStop(state, task, scalingReason(service), "ServiceSchedulerInitiated");
    }
    return;
  }
  const stoppedOld = stopOldTasks(state, service, old);
  const bounds = deploymentBounds(service);
  const stoppedUnhealthy = stopUnhealthyTasks(
    state,
    service,
    unhealthy,
    kept + old.length - stoppedOld + unhealthy.length >= bounds.maxTotal,
  );
  const total = kept + old.length - stoppedOld + unhealthy.length - stoppedUnhealthy;
  launchTasks(state, cluster, service, Math.min(desired - kept, bounds.maxTotal - total));
}

/**
 * ECS's service scheduler is asynchronous: after a change (a StopTask, a new desired count) it acts
 * `schedulerDelaySeconds` later, on the state it finds then. markSchedulerChange starts the wait.
 */
function isSchedulerAwake(state: EcsState, service: SimService): boolean {
  if (service.schedulerWakeMs === undefined) return true;
  if (state.nowMs < service.schedulerWakeMs) return false;
  service.schedulerWakeMs = undefined;
  return true;
}

export function markSchedulerChange(state: EcsState, service: SimService): void {
  if (state.timing.schedulerDelaySeconds <= 0) return;
  service.schedulerWakeMs ??= state.nowMs + state.timing.schedulerDelaySeconds * 1000;
}

function isUnhealthy(task: SimTask): boolean {
  return task.lastStatus === "RUNNING" && task.healthStatus === "UNHEALTHY";
}

/**
 * ECS replaces an UNHEALTHY task by starting its replacement first and then stopping it, within
 * maximumPercent; when maximumPercent leaves no room for a replacement, it stops unhealthy tasks one
 * at a time (DeploymentConfiguration, maximumPercent and minimumHealthyPercent). So an unhealthy
 * task goes once a healthy one runs in its place, or, with no room, one per tick.
 */
function stopUnhealthyTasks(state: EcsState, service: SimService, unhealthy: SimTask[], isAtMaximum: boolean): number {
  if (unhealthy.length === 0) return 0;
  const healthy = [...activeTasks(service)].filter((t) => t.lastStatus === "RUNNING" && !isUnhealthy(t)).length;
  let count = Math.min(unhealthy.length, Math.max(0, healthy + unhealthy.length - service.desiredCount));
  if (count === 0 && isAtMaximum) count = 1;
  for (const task of state.random.shuffle([...unhealthy]).slice(0, count)) {
    requestStop(state, task, "Task failed container health checks", "ServiceSchedulerInitiated");
  }
  return count;
}

export interface DeploymentBounds {
  /** ceil(desired × minimumHealthyPercent / 100): RUNNING tasks that must stay up. */
  minHealthy: number;
  /** floor(desired × maximumPercent / 100): tasks (RUNNING or PENDING) allowed at once. */
  maxTotal: number;
}

export function deploymentBounds(service: SimService): DeploymentBounds {
  const config = service.deploymentConfiguration;
  const desired = service.desiredCount;
  const minimum = config.minimumHealthyPercent ?? 100;
  const maximum = config.maximumPercent ?? 200;
  return {
    minHealthy: Math.ceil((desired * minimum) / 100),
    maxTotal: Math.max(desired, Math.floor((desired * maximum) / 100)),
  };
}

/** Stops old tasks (older deployment or DRAINING instance) without going below minimumHealthyPercent. */
function stopOldTasks(state: EcsState, service: SimService, old: SimTask[]): number {
  let stopped = 0;
  // Tasks not yet RUNNING serve no traffic: stopping them never lowers the healthy count.
  for (const task of old.filter((t) => t.lastStatus !== "RUNNING")) {
    requestStop(state, task, scalingReason(service), "ServiceSchedulerInitiated");
    stopped++;
  }
  // a deployment does not stop a protected task either (a DRAINING instance's tasks still go)
  const runningOld = old.filter((t) => t.lastStatus === "RUNNING" && (t.containerInstance.status === "DRAINING" || !isProtected(state, t)));
  let healthy = 0;
  for (const task of activeTasks(service)) if (task.lastStatus === "RUNNING" && !isUnhealthy(task)) healthy++;
  const allowed = Math.min(runningOld.length, healthy - deploymentBounds(service).minHealthy);
  for (const task of chooseTasksToStop(state, service, runningOld, allowed)) {
    const reason = task.containerInstance.status === "DRAINING" ? "Container instance is draining" : scalingReason(service);
    requestStop(state, task, reason, "ServiceSchedulerInitiated");
    stopped++;
  }
  return stopped;
}

function scalingReason(service: SimService): string {
  return `Scaling activity initiated by (deployment ${service.deployments[0].id})`;
}

/** Places up to `count` tasks of the primary deployment, one at a time, re-evaluating after each. */
function launchTasks(state: EcsState, cluster: SimCluster, service: SimService, count: number): void {
  if (count <= 0) return;
  const primary = service.deployments[0];
  const definition = state.taskDefinitions.get(primary.taskDefinitionArn);
  if (!definition) throw new Error(`service ${service.name} points at a missing task definition`);
  const requirements = requirementsOf(definition);
  for (let i = 0; i < count; i++) {
    const instance = chooseInstance(service, requirements, cluster.instances.values(), state.random);
    recordPlacementOutcome(state, service, instance !== undefined);
    if (!instance) {
      addServiceEvent(state, service, unplaceableMessage(service));
      return;
    }
    launchTask(state, { cluster, definition, instance, service, deploymentId: primary.id });
  }
}

/**
 * Scale-in choice. Each strategy, in order, keeps the candidates whose removal leaves the best
 * placement: spread keeps tasks whose value (zone, instance, ...) holds the most tasks of the
 * service, binpack keeps tasks on the instance with the most of the resource already free (so
 * stopping them frees the most). Under zone spread, the instance holding the most of the service's
 * tasks gives first, as the UpdateService reference documents; only true ties are random.
 */
export function chooseTasksToStop(state: EcsState, service: SimService, candidates: SimTask[], count: number): SimTask[] {
  const chosen: SimTask[] = [];
  const remaining = new Set(candidates);
  const stillActive = new Set(activeTasks(service));
  for (let i = 0; i < count && remaining.size > 0; i++) {
    let pool = [...remaining];
    for (const strategy of effectiveStrategies(service)) {
      if (pool.length <= 1) break;
      if (strategy.type === "spread") {
        const key = spreadKey(strategy.field);
        const counts = countByValue(stillActive, key);
        pool = keepBest(pool, (t) => counts.get(key(t.containerInstance)) ?? 0, "max");
      } else if (strategy.type === "binpack") {
        const measure = binpackMeasure(strategy.field);
        pool = keepBest(pool, (t) => measure(t.containerInstance), "max");
      } else if (strategy.type === "random") {
        pool = [state.random.pick(pool)];
      }
    }
    if (pool.length > 1 && spreadsByZoneFirst(service)) {
      // UpdateService reference, scale-in: in the zone with the most tasks of the service, ECS stops
      // a task "favoring container instances with the largest number of running tasks for this service"
      const counts = countByValue(stillActive, (i) => i.arn);
      pool = keepBest(pool, (t) => counts.get(t.containerInstance.arn) ?? 0, "max");
    }
    const task = state.random.pick(pool);
    chosen.push(task);
    remaining.delete(task);
    stillActive.delete(task);
  }
  return chosen;
}
