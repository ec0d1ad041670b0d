import type { Service, Task } from "@aws-sdk/client-ecs";
import { isSupportedSpreadField, spreadFields } from "./placement";
import { compileConstraints } from "./placementConstraint";
import { IGNORE_TAG, tagValue } from "./surgeTag";

/** Why a service is left alone. The codes are stable (logs and --json output); `detail` is for people. */
export type SkipCode =
  | "not-replica"
  | "not-ecs-deployment-controller"
  | "not-ec2"
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
  | "no-room-to-move";

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
  const desired = service.desiredCount ?? 0;
  const checks: Array<[boolean, SkipCode, string]> = [
    [tagValue(service, IGNORE_TAG) === "true", "ignored-by-tag", `tagged ${IGNORE_TAG}=true`],
    [service.status !== "ACTIVE", "not-active", `status ${service.status}`],
    [service.schedulingStrategy === "DAEMON", "not-replica", "DAEMON services run one task per instance"],
    [
      (service.deploymentController?.type ?? "ECS") !== "ECS",
      "not-ecs-deployment-controller",
      `deployment controller ${service.deploymentController?.type}`,
    ],
    [!runsOnEc2(service, tasks), "not-ec2", "runs on Fargate or external capacity"],
    [!hasOneCompletedDeployment(service), "deployment-in-progress", deploymentSummary(service)],
    [
      service.runningCount !== desired || (service.pendingCount ?? 0) !== 0,
      "not-steady",
      `running ${service.runningCount}, pending ${service.pendingCount}, desired ${desired}`,
    ],
    [
      tasks.length !== desired || tasks.some((t) => t.lastStatus !== "RUNNING" || t.desiredStatus !== "RUNNING"),
      "tasks-in-transition",
      `${tasks.filter((t) => t.lastStatus === "RUNNING").length} of ${tasks.length} listed tasks running, desired ${desired}`,
    ],
    [desired < 2, "desired-count-below-2", `desired count ${desired}`],
  ];
  for (const [failed, code, detail] of checks) if (failed) return { code, detail };
  return strategySkipReason(service);
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

function runsOnEc2(service: Service, tasks: Task[]): boolean {
  if (service.launchType && service.launchType !== "EC2") return false;
  if (service.capacityProviderStrategy?.some((p) => FARGATE_PROVIDERS.includes(p.capacityProvider ?? ""))) return false;
  return tasks.every((t) => !t.launchType || t.launchType === "EC2");
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
