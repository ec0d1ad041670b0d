/**
 * ECS's Availability Zone rebalancing (`availabilityZoneRebalancing`), as the developer guide's
 * "service rebalancing" pages describe it:
 * - CreateService without a value sets ENABLED for a compatible service (the default since 2025);
 *   compatible means REPLICA, the ECS deployment controller, a first strategy that spreads by zone
 *   (or no strategy), maximumPercent above 100 and no placement constraint on the zone.
 * - Once the service is steady and its zones are uneven, ECS starts tasks in the emptiest zone
 *   within maximumPercent, waits until they are RUNNING, then stops as many in the fullest zone.
 *   No new deployment, no desired-count change. The stopped tasks carry the reason
 *   "Availability-zone rebalancing initiated by (deployment ecs-svc/...)".
 * - A new deployment or a changed desired count stops a round; protected tasks are never stopped.
 * - It never looks at instances within a zone (placement inside the zone is the strategy's).
 * How long ECS waits before it starts is not documented: `azRebalancingDelaySeconds`.
 */
import type { CreateServiceRequest } from "@aws-sdk/client-ecs";
import type { EcsState } from "./state";
import type { SimCluster, SimContainerInstance, SimService, SimTask } from "./model";
import { activeTasks, chooseInstance, feasibleInstances, keepBest } from "./placement";
import { isPlaceable } from "./containerInstances";
import { filterByConstraints } from "./constraints";
import { launchTask, requestStop, requirementsOf } from "./tasks";
import { addServiceEvent, isServiceSteady } from "./deployments";
import { isProtected } from "./taskProtection";
import { deploymentBounds } from "./scheduler";

const ZONE = "ecs.availability-zone";
const ZONE_FIELD = `attribute:${ZONE}`;

/** The value CreateService stores: the caller's, or ENABLED for a compatible service. */
export function defaultAzRebalancing(input: CreateServiceRequest): "ENABLED" | "DISABLED" {
  if (input.availabilityZoneRebalancing) return input.availabilityZoneRebalancing as "ENABLED" | "DISABLED";
  const first = input.placementStrategy?.[0];
  const compatible =
    (input.schedulingStrategy ?? "REPLICA") === "REPLICA" &&
    (input.deploymentController?.type ?? "ECS") === "ECS" &&
    (!first || (first.type === "spread" && first.field === ZONE_FIELD)) &&
    (input.deploymentConfiguration?.maximumPercent ?? 200) > 100 &&
    !(input.placementConstraints ?? []).some((c) => (c.expression ?? "").includes(ZONE));
  return compatible ? "ENABLED" : "DISABLED";
}

/** Whether ECS rebalances this service's zones (the field, and a configuration it works with). */
export function isAzRebalancingActive(service: SimService): boolean {
  const first = service.placementStrategy[0];
  return (
    service.availabilityZoneRebalancing === "ENABLED" &&
    service.status === "ACTIVE" &&
    service.schedulingStrategy === "REPLICA" &&
    (!first || (first.type === "spread" && first.field === ZONE_FIELD)) &&
    (service.deploymentConfiguration.maximumPercent ?? 200) > 100 &&
    !service.placementConstraints.some((c) => (c.expression ?? "").includes(ZONE))
  );
}

/** A round in progress, or one ECS will start (steady, uneven zones, room in the emptiest). */
export function isAzRebalancingPending(state: EcsState, cluster: SimCluster, service: SimService): boolean {
  if (!isAzRebalancingActive(service)) return false;
  return service.azRound !== undefined || (isServiceSteady(service) && movesToEven(state, cluster, service) > 0);
}

/** Tasks started by a round count above the desired count until the round stops as many. */
export function rebalancingExtra(service: SimService): number {
  return service.azRound?.started.size ?? 0;
}

export function tickAzRebalancing(state: EcsState, cluster: SimCluster, service: SimService): void {
  if (!isAzRebalancingActive(service)) {
    service.azRound = undefined;
    service.azUnevenSinceMs = undefined;
    return;
  }
  if (service.azRound) {
    continueRound(state, service);
    return;
  }
  // task scale-in protection stops ECS's rebalancing: no round while any task of the service has it
  const protectedTask = [...activeTasks(service)].some((t) => isProtected(state, t));
  const moves =
    !protectedTask && isServiceSteady(service) && service.deployments[0].rolloutState === "COMPLETED"
      ? movesToEven(state, cluster, service)
      : 0;
  if (moves === 0) {
    service.azUnevenSinceMs = undefined;
    return;
  }
  service.azUnevenSinceMs ??= state.nowMs;
  if (state.nowMs - service.azUnevenSinceMs < state.timing.azRebalancingDelaySeconds * 1000) return;
  service.azUnevenSinceMs = undefined;
  startRound(state, cluster, service, Math.min(moves, deploymentBounds(service).maxTotal - service.desiredCount));
}

/** Start before stop: up to `count` tasks, each in the zone then holding the fewest of the service's tasks. */
function startRound(state: EcsState, cluster: SimCluster, service: SimService, count: number): void {
  if (count <= 0) return;
  const primary = service.deployments[0];
  const definition = state.taskDefinitions.get(primary.taskDefinitionArn)!;
  const requirements = requirementsOf(definition);
  const started = new Set<SimTask>();
  for (let i = 0; i < count; i++) {
    const zone = emptiestZoneWithRoom(state, cluster, service);
    if (zone === undefined) break;
    const inZone = [...cluster.instances.values()].filter((instance) => instance.attributes[ZONE] === zone);
    const instance = chooseInstance(service, requirements, inZone, state.random);
    if (!instance) break;
    started.add(launchTask(state, { cluster, definition, instance, service, deploymentId: primary.id }));
  }
  if (started.size === 0) return;
  service.azRound = { started, desiredCount: service.desiredCount, deploymentId: primary.id };
  addServiceEvent(state, service, `(service ${service.name}) SERVICE_REBALANCING_STARTED: Availability Zone rebalancing started.`);
  addServiceEvent(state, service, `(service ${service.name}) TASKS_STARTED: has started ${started.size} tasks.`);
}

/** Once the started tasks run, stops as many in the fullest zone; a deployment or a count change stops the round. */
function continueRound(state: EcsState, service: SimService): void {
  const round = service.azRound!;
  const protectedTask = [...activeTasks(service)].some((t) => isProtected(state, t));
  const changed =
    service.deployments.length > 1 || service.deployments[0].id !== round.deploymentId || service.desiredCount !== round.desiredCount;
  if (changed || protectedTask) {
    service.azRound = undefined;
    addServiceEvent(state, service, `(service ${service.name}) SERVICE_REBALANCING_STOPPED: Availability Zone rebalancing stopped.`);
    return;
  }
  for (const task of round.started) if (task.desiredStatus !== "RUNNING") round.started.delete(task);
  if ([...round.started].some((t) => t.lastStatus !== "RUNNING")) return;
  const stopped = chooseStops(state, service, round.started.size, round.started);
  service.azRound = undefined;
  for (const task of stopped) {
    state.metrics.tasksStoppedByAzRebalancing++;
    requestStop(state, task, `Availability-zone rebalancing initiated by (deployment ${round.deploymentId})`, "ServiceSchedulerInitiated");
  }
  if (stopped.length > 0)
    addServiceEvent(state, service, `(service ${service.name}) TASKS_STOPPED: has stopped ${stopped.length} running tasks.`);
  addServiceEvent(state, service, `(service ${service.name}) SERVICE_REBALANCING_COMPLETED: Availability Zone rebalancing completed.`);
}

/** In the zone holding the most of the service's tasks, the instance holding the most; random ties. */
function chooseStops(state: EcsState, service: SimService, count: number, exclude: Set<SimTask>): SimTask[] {
  const chosen: SimTask[] = [];
  const live = new Set(activeTasks(service));
  for (let i = 0; i < count; i++) {
    const inZone = (t: SimTask) => [...live].filter((o) => zoneOf(o.containerInstance) === zoneOf(t.containerInstance)).length;
    const fullest = keepBest([...live], inZone, "max");
    const candidates = fullest.filter((t) => !exclude.has(t) && t.lastStatus === "RUNNING");
    if (candidates.length === 0) break;
    const onInstance = (t: SimTask) => [...live].filter((o) => o.containerInstance === t.containerInstance).length;
    const task = state.random.pick(keepBest(candidates, onInstance, "max"));
    chosen.push(task);
    live.delete(task);
  }
  return chosen;
}

/** Tasks to move so that no two zones differ by more than one, counting only zones with room to receive. */
function movesToEven(state: EcsState, cluster: SimCluster, service: SimService): number {
  const counts = zoneCounts(cluster, service);
  const roomy = zonesWithRoom(state, cluster, service);
  let moves = 0;
  for (;;) {
    const fullest = [...counts].sort((a, b) => b[1] - a[1])[0];
    const emptiest = [...counts].filter(([zone]) => roomy.has(zone)).sort((a, b) => a[1] - b[1])[0];
    if (!fullest || !emptiest || fullest[1] - emptiest[1] <= 1) return moves;
    counts.set(fullest[0], fullest[1] - 1);
    counts.set(emptiest[0], emptiest[1] + 1);
    moves++;
  }
}

function emptiestZoneWithRoom(state: EcsState, cluster: SimCluster, service: SimService): string | undefined {
  const counts = zoneCounts(cluster, service);
  const roomy = zonesWithRoom(state, cluster, service);
  return [...counts].filter(([zone]) => roomy.has(zone)).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

/** Tasks of the service per zone, over the zones it may use (placeable instances its constraints allow). */
function zoneCounts(cluster: SimCluster, service: SimService): Map<string, number> {
  const counts = new Map<string, number>();
  const allowed = filterByConstraints(service, [...cluster.instances.values()].filter(isPlaceable));
  for (const instance of allowed) counts.set(zoneOf(instance), counts.get(zoneOf(instance)) ?? 0);
  for (const task of activeTasks(service))
    counts.set(zoneOf(task.containerInstance), (counts.get(zoneOf(task.containerInstance)) ?? 0) + 1);
  return counts;
}

function zonesWithRoom(state: EcsState, cluster: SimCluster, service: SimService): Set<string> {
  const definition = state.taskDefinitions.get(service.deployments[0].taskDefinitionArn);
  if (!definition) return new Set();
  return new Set(feasibleInstances(service, requirementsOf(definition), cluster.instances.values()).map(zoneOf));
}

function zoneOf(instance: SimContainerInstance): string {
  return instance.attributes[ZONE] ?? "";
}
