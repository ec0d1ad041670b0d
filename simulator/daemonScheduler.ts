/**
 * DAEMON services: one task on every ACTIVE instance that satisfies the service's constraints.
 * ECS sets desiredCount to the number of such instances. On a DRAINING instance the daemon task
 * is stopped last, once no other service task remains there.
 */
import type { EcsState } from "./state";
import type { SimCluster, SimContainerInstance, SimService, SimTask } from "./model";
import { activeTasks, hasResourcesFor } from "./placement";
import { filterByConstraints } from "./constraints";
import { isPlaceable } from "./containerInstances";
import { launchTask, requestStop, requirementsOf } from "./tasks";
import { addServiceEvent, recordPlacementOutcome, unplaceableMessage } from "./deployments";

export function tickDaemonService(state: EcsState, cluster: SimCluster, service: SimService): void {
  const primary = service.deployments[0];
  const byInstance = new Map<SimContainerInstance, SimTask>();
  for (const task of activeTasks(service)) byInstance.set(task.containerInstance, task);
  const eligible = service.status === "ACTIVE" ? daemonInstances(service, cluster) : [];
  service.desiredCount = eligible.length;

  for (const [instance, task] of byInstance) {
    if (service.status !== "ACTIVE" || (instance.status === "DRAINING" && !hasOtherServiceTasks(instance, service))) {
      requestStop(state, task, "Container instance is draining", "ServiceSchedulerInitiated");
    }
  }
  replaceOutdatedTasks(
    state,
    service,
    [...byInstance.values()].filter((t) => t.deploymentId !== primary.id),
  );

  const definition = state.taskDefinitions.get(primary.taskDefinitionArn);
  if (!definition) throw new Error(`service ${service.name} points at a missing task definition`);
  const requirements = requirementsOf(definition);
  for (const instance of eligible) {
    if (byInstance.has(instance)) continue;
    const fits = hasResourcesFor(instance, requirements);
    recordPlacementOutcome(state, service, fits);
    if (!fits) addServiceEvent(state, service, unplaceableMessage(service));
    else launchTask(state, { cluster, definition, instance, service, deploymentId: primary.id });
  }
}

function daemonInstances(service: SimService, cluster: SimCluster): SimContainerInstance[] {
  const placeable = [...cluster.instances.values()].filter(isPlaceable);
  const memberOf = { ...service, placementConstraints: service.placementConstraints.filter((c) => c.type === "memberOf") };
  return filterByConstraints(memberOf, placeable);
}

function hasOtherServiceTasks(instance: SimContainerInstance, daemon: SimService): boolean {
  for (const task of instance.tasks) if (task.serviceName !== daemon.name) return true;
  return false;
}

/** Daemon deployments stop old tasks first (default minimumHealthyPercent 0, maximumPercent 100). */
function replaceOutdatedTasks(state: EcsState, service: SimService, outdated: SimTask[]): void {
  const minimum = service.deploymentConfiguration.minimumHealthyPercent ?? 0;
  let healthy = 0;
  for (const task of activeTasks(service)) if (task.lastStatus === "RUNNING") healthy++;
  let allowed = healthy - Math.ceil((service.desiredCount * minimum) / 100);
  for (const task of outdated) {
    if (task.desiredStatus !== "RUNNING") continue;
    if (task.lastStatus === "RUNNING" && allowed-- <= 0) continue;
    requestStop(state, task, `Scaling activity initiated by (deployment ${service.deployments[0].id})`, "ServiceSchedulerInitiated");
  }
}
