import type {
  ContainerInstance,
  Failure,
  PlacementConstraint,
  Service,
  ServiceDeploymentBrief,
  Tag,
  Task,
  TaskDefinition,
} from "@aws-sdk/client-ecs";

/**
 * The ECS operations the engine uses, and nothing else. The SDK adapter (sdkEcsPort.ts) implements
 * it for AWS and for the simulator; tests implement it in memory. Keeping the port this narrow is
 * what keeps the Lambda's IAM policy short.
 */
export interface EcsPort {
  listContainerInstances(cluster: string): Promise<string[]>;
  /** At most 100 ARNs per call (ECS limit). */
  describeContainerInstances(cluster: string, arns: string[]): Promise<Described<ContainerInstance>>;
  listServices(cluster: string): Promise<string[]>;
  /** At most 10 ARNs per call (ECS limit); tags included. */
  describeServices(cluster: string, arns: string[]): Promise<Described<Service>>;
  /** Tasks whose desired status is RUNNING (the ECS default for ListTasks). */
  listTasks(cluster: string): Promise<string[]>;
  /** At most 100 ARNs per call (ECS limit). */
  describeTasks(cluster: string, arns: string[]): Promise<Described<Task>>;
  describeTaskDefinition(taskDefinitionArn: string): Promise<TaskDefinition>;
  /** The service's deployments whose status is one of `status` (ListServiceDeployments, every page). */
  listServiceDeployments(cluster: string, serviceArn: string, status: string[]): Promise<ServiceDeploymentBrief[]>;

  /** With `placementConstraints`, the service's constraints are replaced in the same call (surgePin.ts). */
  updateServiceDesiredCount(
    cluster: string,
    serviceArn: string,
    desiredCount: number,
    placementConstraints?: PlacementConstraint[],
  ): Promise<void>;
  /** Replaces the service's placement constraints only: a surge's pin removed (surgePin.ts). */
  updateServicePlacementConstraints(cluster: string, serviceArn: string, placementConstraints: PlacementConstraint[]): Promise<void>;
  stopTask(cluster: string, taskArn: string, reason: string): Promise<void>;
  tagResource(resourceArn: string, tags: Tag[]): Promise<void>;
  untagResource(resourceArn: string, tagKeys: string[]): Promise<void>;
  /** At most 10 tasks per call (ECS limit); `expiresInMinutes` only when protecting (1 to 2,880). */
  updateTaskProtection(cluster: string, taskArns: string[], protectionEnabled: boolean, expiresInMinutes?: number): Promise<void>;
}

export interface Described<T> {
  items: T[];
  failures: Failure[];
}

/** ECS's per-call limits for the Describe operations. */
export const DESCRIBE_LIMITS = {
  containerInstances: 100,
  services: 10,
  tasks: 100,
} as const;

/** UpdateTaskProtection takes at most 10 tasks per call. */
export const TASK_PROTECTION_BATCH = 10;
