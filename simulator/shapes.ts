/**
 * Internal state → the JSON the ECS API sends, and nothing the model does not define: every
 * response is checked against the model extract (contract/). Dates are epoch seconds, as the JSON
 * 1.1 protocol sends them (the SDK turns them into Date). The EventBridge event details are a
 * separate contract, built in eventDetails.ts.
 */
import type { EcsState } from "./state";
import type { SimCluster, SimContainerInstance, SimDeployment, SimService, SimTask, SimTaskDefinition } from "./model";

export const epochSeconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);

type Json = Record<string, unknown>;

export const VERSION_INFO = {
  agentVersion: "1.82.0",
  agentHash: "5fbd1b9c",
  dockerVersion: "DockerVersion: 20.10.25",
};

/** RUNNING and PROVISIONING/PENDING tasks on an instance, as runningTasksCount/pendingTasksCount count them. */
export function instanceTaskCounts(ci: SimContainerInstance): TaskCounts {
  const counts = { running: 0, pending: 0 };
  for (const task of ci.tasks) {
    if (task.lastStatus === "RUNNING") counts.running++;
    else if (task.lastStatus === "PROVISIONING" || task.lastStatus === "PENDING") counts.pending++;
  }
  return counts;
}

/** The model's ContainerInstance: no clusterArn and no updatedAt (those belong to the event detail). */
export function containerInstanceShape(state: EcsState, ci: SimContainerInstance): Json {
  const { running, pending } = instanceTaskCounts(ci);
  return {
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    capacityProviderName: ci.capacityProviderName,
    version: ci.version,
    versionInfo: VERSION_INFO,
    remainingResources: resources(ci.remainingCpu, ci.remainingMemory, [...ci.reservedPorts, ...ci.usedPorts]),
    registeredResources: resources(ci.registeredCpu, ci.registeredMemory, ci.reservedPorts),
    status: ci.status,
    agentConnected: ci.agentConnected,
    runningTasksCount: running,
    pendingTasksCount: pending,
    attributes: attributeList(ci),
    registeredAt: epochSeconds(ci.registeredAtMs),
    tags: state.tags.get(ci.arn) ?? [],
  };
}

export function attributeList(ci: SimContainerInstance): Json[] {
  return Object.entries(ci.attributes).map(([name, value]) => ({ name, value }));
}

export function resources(cpu: number, memory: number, ports: number[]): Json[] {
  const resource = (name: string, type: string, value: Json) => ({ name, type, doubleValue: 0, longValue: 0, integerValue: 0, ...value });
  return [
    resource("CPU", "INTEGER", { integerValue: cpu }),
    resource("MEMORY", "INTEGER", { integerValue: memory }),
    resource("PORTS", "STRINGSET", { stringSetValue: ports.map(String) }),
    resource("PORTS_UDP", "STRINGSET", { stringSetValue: [] }),
  ];
}

export function taskShape(state: EcsState, task: SimTask): Json {
  const ci = task.containerInstance;
  const date = epochSeconds;
  return {
    taskArn: task.arn,
    clusterArn: state.arn(`cluster/${task.clusterName}`),
    taskDefinitionArn: task.taskDefinitionArn,
    containerInstanceArn: ci.arn,
    availabilityZone: ci.attributes["ecs.availability-zone"],
    lastStatus: task.lastStatus,
    desiredStatus: task.desiredStatus,
    cpu: String(task.cpu),
    memory: String(task.memory),
    group: task.group,
    startedBy: task.startedBy,
    launchType: "EC2",
    version: task.version,
    createdAt: date(task.createdAtMs),
    pullStartedAt: date(task.pullStartedAtMs),
    startedAt: date(task.startedAtMs),
    stoppingAt: date(task.stoppingAtMs),
    stoppedAt: date(task.stoppedAtMs),
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    connectivity: task.lastStatus === "STOPPED" ? "DISCONNECTED" : "CONNECTED",
    healthStatus: task.healthStatus,
    tags: task.tags,
    containers: containerList(state, task),
  };
}

/** The task's containers (the model's Container), shared by the API and the task event detail. */
export function containerList(state: EcsState, task: SimTask): Json[] {
  const definition = state.taskDefinitions.get(task.taskDefinitionArn);
  return (definition?.containerDefinitions ?? []).map((container) => ({
    containerArn: state.arn(`container/${task.clusterName}/${task.id}/${container.name}`),
    taskArn: task.arn,
    name: container.name,
    image: container.image,
    lastStatus: containerStatus(task),
    networkBindings: task.bindings
      .filter((b) => b.containerName === container.name)
      .map((b) => ({ bindIP: "0.0.0.0", containerPort: b.containerPort, hostPort: b.hostPort, protocol: b.protocol })),
    cpu: String(container.cpu),
    memory: String(container.memory),
  }));
}

function containerStatus(task: SimTask): string {
  if (task.lastStatus === "RUNNING" || task.lastStatus === "DEACTIVATING" || task.lastStatus === "STOPPING") return "RUNNING";
  return task.lastStatus === "STOPPED" || task.lastStatus === "DEPROVISIONING" ? "STOPPED" : "PENDING";
}

export interface TaskCounts {
  running: number;
  pending: number;
}

/** Counts tasks with desiredStatus RUNNING, as ECS's runningCount/pendingCount do. */
export function countTasks(tasks: Iterable<SimTask>, deploymentId?: string): TaskCounts {
  const counts = { running: 0, pending: 0 };
  for (const task of tasks) {
    if (task.desiredStatus !== "RUNNING") continue;
    if (deploymentId !== undefined && task.deploymentId !== deploymentId) continue;
    if (task.lastStatus === "RUNNING") counts.running++;
    else if (task.lastStatus === "PROVISIONING" || task.lastStatus === "PENDING") counts.pending++;
  }
  return counts;
}

export function serviceShape(state: EcsState, service: SimService, includeTags: boolean): Json {
  const counts = countTasks(service.tasks);
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: state.arn(`cluster/${service.clusterName}`),
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: counts.running,
    pendingCount: counts.pending,
    launchType: service.launchType,
    capacityProviderStrategy: service.capacityProviderStrategy.length ? service.capacityProviderStrategy : undefined,
    taskDefinition: service.taskDefinitionArn,
    deploymentConfiguration: service.deploymentConfiguration,
    deployments: service.deployments.map((d) => deploymentShape(service, d)),
    events: service.events.map((e) => ({ id: e.id, createdAt: epochSeconds(e.createdAtMs), message: e.message })),
    createdAt: epochSeconds(service.createdAtMs),
    createdBy: service.createdBy,
    placementConstraints: service.placementConstraints,
    placementStrategy: service.placementStrategy,
    schedulingStrategy: service.schedulingStrategy,
    deploymentController: { type: service.deploymentController },
    propagateTags: service.propagateTags ?? "NONE",
    enableECSManagedTags: service.enableECSManagedTags,
    availabilityZoneRebalancing: service.availabilityZoneRebalancing,
    tags: includeTags ? (state.tags.get(service.arn) ?? []) : undefined,
  };
}

function deploymentShape(service: SimService, d: SimDeployment): Json {
  const counts = countTasks(service.tasks, d.id);
  return {
    id: d.id,
    status: d.status,
    taskDefinition: d.taskDefinitionArn,
    desiredCount: d.status === "PRIMARY" ? service.desiredCount : 0,
    runningCount: counts.running,
    pendingCount: counts.pending,
    failedTasks: d.failedTasks,
    createdAt: epochSeconds(d.createdAtMs),
    updatedAt: epochSeconds(d.updatedAtMs),
    launchType: service.launchType,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
  };
}

/** The model's TaskDefinition: the registered request echoed, except its tags (ListTagsForResource has them). */
export function taskDefinitionShape(definition: SimTaskDefinition): Json {
  const { tags: _tags, ...registered } = definition.raw;
  return {
    ...registered,
    taskDefinitionArn: definition.arn,
    family: definition.family,
    revision: definition.revision,
    status: definition.status,
    containerDefinitions: definition.raw.containerDefinitions,
    cpu: definition.cpu,
    memory: definition.memory,
    networkMode: definition.networkMode,
    requiresCompatibilities: definition.requiresCompatibilities,
    compatibilities: ["EC2"],
    registeredAt: epochSeconds(definition.registeredAtMs),
  };
}

export function clusterShape(state: EcsState, cluster: SimCluster): Json {
  let registered = 0;
  let running = 0;
  let pending = 0;
  for (const ci of cluster.instances.values()) if (ci.status !== "INACTIVE") registered++;
  for (const task of cluster.tasks.values()) {
    if (task.lastStatus === "RUNNING") running++;
    else if (task.lastStatus === "PROVISIONING" || task.lastStatus === "PENDING") pending++;
  }
  let activeServices = 0;
  for (const s of cluster.services.values()) if (s.status === "ACTIVE") activeServices++;
  return {
    clusterArn: cluster.arn,
    clusterName: cluster.name,
    status: "ACTIVE",
    registeredContainerInstancesCount: registered,
    runningTasksCount: running,
    pendingTasksCount: pending,
    activeServicesCount: activeServices,
    tags: state.tags.get(cluster.arn) ?? [],
  };
}
