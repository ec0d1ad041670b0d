/**
 * The simulator's internal state. Field names follow the ECS API; times are virtual epoch
 * milliseconds. The API shapes (epoch seconds, SDK field layout) are produced in shapes.ts.
 */
import type {
  DeploymentConfiguration,
  PlacementConstraint,
  PlacementStrategy,
  CapacityProviderStrategyItem,
  Tag,
} from "@aws-sdk/client-ecs";

export type TaskStatus = "PROVISIONING" | "PENDING" | "RUNNING" | "DEACTIVATING" | "STOPPING" | "DEPROVISIONING" | "STOPPED";

export type DesiredStatus = "RUNNING" | "STOPPED";
export type ContainerInstanceStatus = "ACTIVE" | "DRAINING" | "INACTIVE";
export type RolloutState = "IN_PROGRESS" | "COMPLETED" | "FAILED";
export type StopCode = "TaskFailedToStart" | "EssentialContainerExited" | "UserInitiated" | "ServiceSchedulerInitiated";

export interface SimCluster {
  name: string;
  arn: string;
  services: Map<string, SimService>;
  /** Every container instance ever registered, INACTIVE ones included (they stay describable). */
  instances: Map<string, SimContainerInstance>;
  tasks: Map<string, SimTask>;
  createdAtMs: number;
}

export interface SimContainerInstance {
  arn: string;
  id: string;
  clusterName: string;
  ec2InstanceId: string;
  attributes: Record<string, string>;
  registeredCpu: number;
  registeredMemory: number;
  /** Ports the agent reserves on every instance (ECS default: 22, 2375, 2376, 51678, 51679). */
  reservedPorts: number[];
  remainingCpu: number;
  remainingMemory: number;
  /** Host ports held by tasks on this instance. */
  usedPorts: Set<number>;
  status: ContainerInstanceStatus;
  agentConnected: boolean;
  version: number;
  registeredAtMs: number;
  updatedAtMs: number;
  capacityProviderName?: string;
  /** Tasks holding resources here (PROVISIONING..DEPROVISIONING). */
  tasks: Set<SimTask>;
}

export interface SimPortMapping {
  containerPort: number;
  hostPort: number;
  protocol: "tcp" | "udp";
}

export interface SimContainerDefinition {
  name: string;
  image: string;
  cpu: number;
  memory: number;
  essential: boolean;
  portMappings: SimPortMapping[];
}

export interface SimTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  status: "ACTIVE" | "INACTIVE";
  containerDefinitions: SimContainerDefinition[];
  /** Task-level cpu/memory as strings, as the API carries them; undefined when not set. */
  cpu?: string;
  memory?: string;
  networkMode: string;
  requiresCompatibilities: string[];
  registeredAtMs: number;
  /** The request as sent, so DescribeTaskDefinition can echo the fields the simulator does not model. */
  raw: Record<string, unknown>;
}

export interface SimNetworkBinding {
  containerName: string;
  containerPort: number;
  hostPort: number;
  protocol: "tcp" | "udp";
}

export interface SimTask {
  arn: string;
  id: string;
  clusterName: string;
  serviceName?: string;
  deploymentId?: string;
  group: string;
  startedBy?: string;
  taskDefinitionArn: string;
  containerInstance: SimContainerInstance;
  cpu: number;
  memory: number;
  bindings: SimNetworkBinding[];
  lastStatus: TaskStatus;
  desiredStatus: DesiredStatus;
  /**
   * As DescribeTasks reports it: UNKNOWN for a task without container health checks (the
   * simulator's default), UNHEALTHY once a health check fails (EcsSimulator.failHealthCheck).
   */
  healthStatus: "HEALTHY" | "UNHEALTHY" | "UNKNOWN";
  /** When the current phase (starting or stopping) began; drives the status schedule. */
  phaseStartMs: number;
  createdAtMs: number;
  pullStartedAtMs?: number;
  startedAtMs?: number;
  stoppingAtMs?: number;
  stoppedAtMs?: number;
  stoppedReason?: string;
  stopCode?: StopCode;
  version: number;
  tags: Tag[];
  /** Whether the task had been RUNNING when asked to stop (it then goes through DEACTIVATING). */
  wasRunning: boolean;
  /** Task scale-in protection (UpdateTaskProtection) holds until this virtual time. */
  protectedUntilMs?: number;
}

export interface SimDeployment {
  id: string;
  taskDefinitionArn: string;
  status: "PRIMARY" | "ACTIVE" | "INACTIVE";
  rolloutState: RolloutState;
  rolloutStateReason: string;
  createdAtMs: number;
  updatedAtMs: number;
  failedTasks: number;
  /** Since when placement has kept failing for this deployment (drives the circuit breaker). */
  placementFailingSinceMs?: number;
  /** BLUE_GREEN, LINEAR, CANARY: when every green task ran (the traffic shift and bake run from here). */
  greenReadyMs?: number;
}

export interface SimServiceEvent {
  id: string;
  createdAtMs: number;
  message: string;
}

export interface SimService {
  arn: string;
  name: string;
  clusterName: string;
  status: "ACTIVE" | "DRAINING" | "INACTIVE";
  taskDefinitionArn: string;
  desiredCount: number;
  schedulingStrategy: "REPLICA" | "DAEMON";
  launchType?: string;
  capacityProviderStrategy: CapacityProviderStrategyItem[];
  placementStrategy: PlacementStrategy[];
  placementConstraints: PlacementConstraint[];
  deploymentConfiguration: DeploymentConfiguration;
  deploymentController: string;
  propagateTags?: string;
  enableECSManagedTags: boolean;
  createdAtMs: number;
  createdBy: string;
  /** Newest first; deployments[0] is the PRIMARY one. */
  deployments: SimDeployment[];
  /** Newest first, capped like ECS (which keeps the latest 100). */
  events: SimServiceEvent[];
  /** Tasks not yet STOPPED (index for the scheduler, so no tick scans the whole cluster). */
  tasks: Set<SimTask>;
  lastPlacementEventMs?: number;
  lastSteadyEventMs?: number;
  /** Whether the service was steady at the end of the last tick (steady-state events fire on the change). */
  wasSteady?: boolean;
  /** ECS's own Availability Zone rebalancing; CreateService defaults it (see azRebalancing.ts). */
  availabilityZoneRebalancing: "ENABLED" | "DISABLED";
  /** Since when the service has been steady with uneven zones (the rebalancing trigger delay runs from here). */
  azUnevenSinceMs?: number;
  /** A rebalancing round in progress: the tasks it started in the emptiest zones, not yet matched by stops. */
  azRound?: { started: Set<SimTask>; desiredCount: number; deploymentId: string };
  /** Tasks an API UpdateService's lower desired count still has to scale in (counted as API-caused stops). */
  apiScaleIn?: number;
  /** The service scheduler has not yet reacted to a change before this virtual time (asynchronous scheduler). */
  schedulerWakeMs?: number;
}
