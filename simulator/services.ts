/**
 * CreateService, UpdateService and DeleteService semantics: defaults and validation as ECS
 * applies them. A plain desiredCount change keeps the deployment; a new task definition or
 * forceNewDeployment starts a new PRIMARY deployment.
 */
import type { CreateServiceRequest, DeploymentConfiguration, UpdateServiceRequest } from "@aws-sdk/client-ecs";
import type { EcsState } from "./state";
import type { SimCluster, SimService } from "./model";
import { EcsError, invalidParameter } from "./errors";
import { validateStrategies } from "./placement";
import { validateConstraints } from "./constraints";
import { mergeTags } from "./tagRules";
import { startDeployment } from "./deployments";
import { requestStop } from "./tasks";
import { defaultAzRebalancing } from "./azRebalancing";
import { validateStrategy } from "./trafficShift";
import { markSchedulerChange } from "./scheduler";

export function createService(state: EcsState, cluster: SimCluster, input: CreateServiceRequest): SimService {
  const name = input.serviceName;
  if (!name || !/^[A-Za-z0-9_-]{1,255}$/.test(name)) throw invalidParameter(`Invalid service name "${name ?? ""}".`);
  const existing = cluster.services.get(name);
  if (existing && existing.status !== "INACTIVE") throw invalidParameter("Creation of service was not idempotent.");
  const scheduling = input.schedulingStrategy ?? "REPLICA";
  validateCreate(input, scheduling);
  const tags = mergeTags([], input.tags ?? []); // ECS's tag rules, checked before anything is stored
  const definition = state.taskDefinition(input.taskDefinition);
  const service: SimService = {
    arn: state.arn(`service/${cluster.name}/${name}`),
    name,
    clusterName: cluster.name,
    status: "ACTIVE",
    taskDefinitionArn: definition.arn,
    desiredCount: scheduling === "DAEMON" ? 0 : (input.desiredCount ?? 0),
    schedulingStrategy: scheduling,
    launchType: input.capacityProviderStrategy?.length ? undefined : (input.launchType ?? "EC2"),
    capacityProviderStrategy: input.capacityProviderStrategy ?? [],
    placementStrategy: input.placementStrategy ?? [],
    placementConstraints: input.placementConstraints ?? [],
    deploymentConfiguration: withDefaults(input.deploymentConfiguration, scheduling),
    deploymentController: input.deploymentController?.type ?? "ECS",
    propagateTags: input.propagateTags,
    enableECSManagedTags: input.enableECSManagedTags ?? false,
    createdAtMs: state.nowMs,
    createdBy: `arn:aws:iam::${state.accountId}:role/simulator`,
    deployments: [],
    events: [],
    tasks: new Set(),
    availabilityZoneRebalancing: defaultAzRebalancing({ ...input, schedulingStrategy: scheduling as never }),
  };
  startDeployment(state, service, definition.arn);
  cluster.services.delete(name);
  cluster.services.set(name, service);
  if (tags.length) state.tags.set(service.arn, tags);
  state.metrics.minRunning[name] = 0;
  return service;
}

function validateCreate(input: CreateServiceRequest, scheduling: string): void {
  if (scheduling !== "REPLICA" && scheduling !== "DAEMON") throw invalidParameter(`Invalid schedulingStrategy "${scheduling}".`);
  if (input.launchType && input.capacityProviderStrategy?.length) {
    throw invalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.");
  }
  if (input.availabilityZoneRebalancing !== undefined && !["ENABLED", "DISABLED"].includes(input.availabilityZoneRebalancing)) {
    throw invalidParameter(`Invalid availabilityZoneRebalancing "${input.availabilityZoneRebalancing}".`);
  }
  if (input.launchType && input.launchType !== "EC2")
    throw invalidParameter(`The simulator models EC2 only, not launchType ${input.launchType}.`);
  if (scheduling === "DAEMON" && input.placementStrategy?.length) {
    throw invalidParameter("Placement strategies are not supported with the DAEMON scheduling strategy.");
  }
  if (input.desiredCount !== undefined && (!Number.isInteger(input.desiredCount) || input.desiredCount < 0)) {
    throw invalidParameter(`desiredCount ${input.desiredCount} must be an integer >= 0.`);
  }
  validateStrategies(input.placementStrategy ?? []);
  validateConstraints(input.placementConstraints ?? []);
  validateDeploymentConfiguration(input.deploymentConfiguration);
}

function validateDeploymentConfiguration(config: DeploymentConfiguration | undefined): void {
  validateStrategy(config);
  const min = config?.minimumHealthyPercent;
  const max = config?.maximumPercent;
  if (min !== undefined && (min < 0 || min > 100)) throw invalidParameter(`minimumHealthyPercent ${min} must be between 0 and 100.`);
  if (max !== undefined && max < 100) throw invalidParameter(`maximumPercent ${max} must be at least 100.`);
}

/** REPLICA defaults 100/200; DAEMON defaults 0/100. */
function withDefaults(config: DeploymentConfiguration | undefined, scheduling: string): DeploymentConfiguration {
  const daemon = scheduling === "DAEMON";
  return {
    ...config,
    minimumHealthyPercent: config?.minimumHealthyPercent ?? (daemon ? 0 : 100),
    maximumPercent: config?.maximumPercent ?? (daemon ? 100 : 200),
    deploymentCircuitBreaker: config?.deploymentCircuitBreaker ?? { enable: false, rollback: false },
  };
}

export function updateService(state: EcsState, cluster: SimCluster, input: UpdateServiceRequest): SimService {
  const service = state.requireService(cluster, input.service ?? "");
  if (service.status !== "ACTIVE") throw new EcsError("ServiceNotActiveException", "Service was not ACTIVE.");
  if (input.desiredCount !== undefined) {
    if (service.schedulingStrategy === "DAEMON") throw invalidParameter("The desiredCount of a DAEMON service cannot be updated.");
    if (!Number.isInteger(input.desiredCount) || input.desiredCount < 0)
      throw invalidParameter(`desiredCount ${input.desiredCount} must be an integer >= 0.`);
  }
  if (input.placementStrategy) validateStrategies(input.placementStrategy);
  if (input.placementConstraints) validateConstraints(input.placementConstraints);
  validateDeploymentConfiguration(input.deploymentConfiguration);
  const definition = input.taskDefinition ? state.taskDefinition(input.taskDefinition) : undefined;

  if (input.availabilityZoneRebalancing !== undefined) {
    if (!["ENABLED", "DISABLED"].includes(input.availabilityZoneRebalancing)) {
      throw invalidParameter(`Invalid availabilityZoneRebalancing "${input.availabilityZoneRebalancing}".`);
    }
    service.availabilityZoneRebalancing = input.availabilityZoneRebalancing as "ENABLED" | "DISABLED";
  }
  if (input.desiredCount !== undefined && input.desiredCount !== service.desiredCount) {
    service.desiredCount = input.desiredCount;
    markSchedulerChange(state, service);
  }
  if (input.placementStrategy) service.placementStrategy = input.placementStrategy;
  if (input.placementConstraints) service.placementConstraints = input.placementConstraints;
  if (input.deploymentConfiguration) {
    service.deploymentConfiguration = withDefaults(
      { ...service.deploymentConfiguration, ...input.deploymentConfiguration },
      service.schedulingStrategy,
    );
  }
  const newDefinition = definition !== undefined && definition.arn !== service.taskDefinitionArn;
  if (newDefinition || input.forceNewDeployment) {
    startDeployment(state, service, definition?.arn ?? service.taskDefinitionArn);
  }
  return service;
}

export function deleteService(state: EcsState, cluster: SimCluster, serviceName: string, force: boolean): SimService {
  const service = state.requireService(cluster, serviceName);
  if (service.status !== "ACTIVE") throw new EcsError("ServiceNotActiveException", "Service was not ACTIVE.");
  if (service.schedulingStrategy === "REPLICA" && service.desiredCount > 0 && !force) {
    throw invalidParameter("The service cannot be stopped while it is scaled above 0.");
  }
  service.status = "DRAINING";
  service.desiredCount = 0;
  for (const task of service.tasks) requestStop(state, task, "Service deleted", "ServiceSchedulerInitiated");
  return service;
}
