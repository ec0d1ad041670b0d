import type { Service, Task } from "@aws-sdk/client-ecs";
import { isSupportedSpreadField, spreadFields } from "./placement";
import { compileConstraints } from "./placementConstraint";
import { IGNORE_TAG, tagValue } from "./surgeTag";

/** Why a service is left alone. The codes are stable (logs and --json output); `detail` is for people. */
export type SkipCode =
  | "not-replica"
  | "not-ecs-deployment-controller"
  | "not-ec2"
  | "managed-instances"
  | "managed-by-ecs"
  | "launch-type-unknown"
  | "az-rebalancing-in-progress"
  | "az-rebalancing-by-ecs"
  | "service-deployment-in-progress"
  | "not-active"
  | "deployment-in-progress"
  | "not-steady"
  | "tasks-in-transition"
  | "desired-count-below-2"
  | "not-spread-strategy"
  | "unsupported-placement-constraint"
  | "ignored-by-tag"
  | "task-definition-unavailable"
  | "tasks-on-unavailable-instance"
  | "fewer-than-2-eligible-instances"
  | "surge-in-flight"
  | "unhealthy-tasks"
  | "duplicate-service-name"
  | "no-room-to-move"
  | "surge-cannot-land";

export interface SkipReason {
  code: SkipCode;
  detail: string;
}

// an array, not a Set: module-level values are serialized into the Lambda by value, and a Set is not
const FARGATE_PROVIDERS = ["FARGATE", "FARGATE_SPOT"];

/**
 * The checks that need nothing but the service and its tasks. A service that is not steady is being
 * changed by ECS or by someone else: acting on it now could double a move or fight a deployment.
 */
export function serviceSkipReason(service: Service, tasks: Task[]): SkipReason | undefined {
  const checks: Check[] = [
    [tagValue(service, IGNORE_TAG) === "true", "ignored-by-tag", () => `tagged ${IGNORE_TAG}=true`],
    [service.status !== "ACTIVE", "not-active", () => `status ${service.status}`],
    [service.schedulingStrategy === "DAEMON", "not-replica", () => "DAEMON services run one task per instance"],
    [
      (service.deploymentController?.type ?? "ECS") !== "ECS",
      "not-ecs-deployment-controller",
      () => `deployment controller ${service.deploymentController?.type}`,
    ],
    [
      service.resourceManagementType === "ECS",
      "managed-by-ecs",
      () => "resourceManagementType ECS (an Express service): ECS places and scales it",
    ],
  ];
  return firstFailed(checks) ?? capacitySkipReason(service, tasks) ?? countsSkipReason(service, tasks);
}

/**
 * The service's tasks must run on EC2 capacity we may move tasks on. DescribeServices omits
 * `launchType` for a service created with a capacity provider strategy, so each task's own
 * `launchType` decides; a task without one, under a provider that is not Fargate, is not guessed.
 */
function capacitySkipReason(service: Service, tasks: Task[]): SkipReason | undefined {
  const launchTypes = new Set(tasks.map((t) => t.launchType ?? "unknown"));
  if (service.launchType) launchTypes.add(service.launchType);
  const providers = (service.capacityProviderStrategy ?? []).map((p) => p.capacityProvider ?? "");
  if (launchTypes.has("MANAGED_INSTANCES")) {
    // ECS Managed Instances: placement strategies do not apply and ECS consolidates the tasks itself
    return { code: "managed-instances", detail: "tasks run on ECS Managed Instances (launchType MANAGED_INSTANCES)" };
  }
  const foreign = [...launchTypes].find((t) => t !== "EC2" && t !== "unknown");
  if (foreign || providers.some((p) => FARGATE_PROVIDERS.includes(p))) {
    return { code: "not-ec2", detail: `runs on ${foreign ?? providers.join(", ")}, not EC2` };
  }
  if (launchTypes.has("unknown") && providers.length > 0) {
    return { code: "launch-type-unknown", detail: `capacity provider ${providers.join(", ")} and a task without launchType` };
  }
  return undefined;
}

/** A service that is not steady is being changed by ECS or by someone else. */
function countsSkipReason(service: Service, tasks: Task[]): SkipReason | undefined {
  const desired = service.desiredCount ?? 0;
  const checks: Check[] = [
    [!hasOneCompletedDeployment(service), "deployment-in-progress", () => deploymentSummary(service)],
    [
      // ECS's AZ rebalancing starts tasks in the emptiest zone before it stops any in the fullest,
      // with no new deployment: more tasks than desired (and no surge of ours) is that, or a scale-in
      isAzRebalancingEnabled(service) && Math.max(service.runningCount ?? 0, tasks.length) > desired,
      "az-rebalancing-in-progress",
      () =>
        `AZ rebalancing ENABLED and ${Math.max(service.runningCount ?? 0, tasks.length)} tasks above desired ${desired}: ECS is moving tasks between zones (or scaling in)`,
    ],
    [
      service.runningCount !== desired || (service.pendingCount ?? 0) !== 0,
      "not-steady",
      () => `running ${service.runningCount}, pending ${service.pendingCount}, desired ${desired}`,
    ],
    [
      tasks.length !== desired || tasks.some((t) => t.lastStatus !== "RUNNING" || t.desiredStatus !== "RUNNING"),
      "tasks-in-transition",
      () => `${tasks.filter((t) => t.lastStatus === "RUNNING").length} of ${tasks.length} listed tasks running, desired ${desired}`,
    ],
    [desired < 2, "desired-count-below-2", () => `desired count ${desired}`],
  ];
  return firstFailed(checks) ?? strategySkipReason(service);
}

/** A check: whether it failed, its code, and its detail (built only for the check that fails: every service runs them on every plan). */
type Check = [failed: boolean, code: SkipCode, detail: () => string];

function firstFailed(checks: Check[]): SkipReason | undefined {
  for (const [failed, code, detail] of checks) if (failed) return { code, detail: detail() };
  return undefined;
}

function strategySkipReason(service: Service): SkipReason | undefined {
  const fields = spreadFields(service.placementStrategy);
  if (!Array.isArray(fields)) return { code: "not-spread-strategy", detail: `strategy ${fields.notSpread}` };
  const unsupported = fields.find((f) => !isSupportedSpreadField(f));
  if (unsupported) return { code: "not-spread-strategy", detail: `spread field ${unsupported}` };
  const constraints = compileConstraints(service.placementConstraints ?? []);
  if ("unsupported" in constraints) {
    return { code: "unsupported-placement-constraint", detail: constraints.unsupported };
  }
  return undefined;
}

/** The service asks ECS to even out its zones itself (the default for compatible services since 2025). */
export function isAzRebalancingEnabled(service: Service): boolean {
  return service.availabilityZoneRebalancing === "ENABLED";
}

function hasOneCompletedDeployment(service: Service): boolean {
  const deployments = service.deployments ?? [];
  if (deployments.length !== 1) return false;
  const [only] = deployments;
  // rolloutState is absent on services created before ECS added it: fall back to the counts
  if (only.rolloutState === undefined) return only.runningCount === only.desiredCount && !only.pendingCount;
  return only.rolloutState === "COMPLETED";
}

function deploymentSummary(service: Service): string {
  const deployments = service.deployments ?? [];
  return `${deployments.length} deployment(s): ${deployments.map((d) => `${d.status}/${d.rolloutState}`).join(", ")}`;
}

/** Tasks of a service are those the service scheduler started: their group is "service:<name>". */
export function serviceGroup(service: Service): string {
  return `service:${service.serviceName}`;
}
