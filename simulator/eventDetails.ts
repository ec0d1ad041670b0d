/**
 * The `detail` of the EventBridge events ECS sends: a separate contract from the API's. The
 * developer guide's samples show a detail that "resembles" the ContainerInstance or Task object, but
 * with `clusterArn` and `updatedAt` on a container instance (the API object has neither) and dates
 * as ISO strings where the API sends epoch seconds. So each detail is built here, member by member,
 * and nothing added to an API shape reaches an event (or the other way round).
 */
import type { EcsState } from "./state";
import type { SimContainerInstance, SimTask } from "./model";
import { attributeList, containerList, instanceTaskCounts, resources, VERSION_INFO } from "./shapes";

const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

/** "ECS Container Instance State Change": the members of the developer guide's sample, plus the task counts. */
export function containerInstanceDetail(state: EcsState, ci: SimContainerInstance): Record<string, unknown> {
  const { running, pending } = instanceTaskCounts(ci);
  return {
    agentConnected: ci.agentConnected,
    attributes: attributeList(ci),
    clusterArn: state.arn(`cluster/${ci.clusterName}`),
    containerInstanceArn: ci.arn,
    ec2InstanceId: ci.ec2InstanceId,
    registeredResources: resources(ci.registeredCpu, ci.registeredMemory, ci.reservedPorts),
    remainingResources: resources(ci.remainingCpu, ci.remainingMemory, [...ci.reservedPorts, ...ci.usedPorts]),
    status: ci.status,
    version: ci.version,
    versionInfo: VERSION_INFO,
    runningTasksCount: running,
    pendingTasksCount: pending,
    registeredAt: iso(ci.registeredAtMs),
    updatedAt: iso(ci.updatedAtMs),
  };
}

/** "ECS Task State Change": the members of the developer guide's sample that an EC2 task has, and its stop fields. */
export function taskDetail(state: EcsState, task: SimTask): Record<string, unknown> {
  const ci = task.containerInstance;
  return {
    availabilityZone: ci.attributes["ecs.availability-zone"],
    clusterArn: state.arn(`cluster/${task.clusterName}`),
    containerInstanceArn: ci.arn,
    containers: containerList(state, task),
    createdAt: iso(task.createdAtMs),
    launchType: "EC2",
    cpu: String(task.cpu),
    memory: String(task.memory),
    desiredStatus: task.desiredStatus,
    group: task.group,
    lastStatus: task.lastStatus,
    connectivity: task.lastStatus === "STOPPED" ? "DISCONNECTED" : "CONNECTED",
    pullStartedAt: iso(task.pullStartedAtMs),
    startedAt: iso(task.startedAtMs),
    startedBy: task.startedBy,
    stoppingAt: iso(task.stoppingAtMs),
    stoppedAt: iso(task.stoppedAtMs),
    stoppedReason: task.stoppedReason,
    stopCode: task.stopCode,
    updatedAt: iso(state.nowMs),
    taskArn: task.arn,
    taskDefinitionArn: task.taskDefinitionArn,
    version: task.version,
  };
}
