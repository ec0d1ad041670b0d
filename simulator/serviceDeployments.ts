/**
 * ListServiceDeployments: one service deployment per deployment the service still tracks. The
 * PRIMARY one is PENDING/IN_PROGRESS while it rolls out (including a BLUE_GREEN, LINEAR or CANARY
 * bake), SUCCESSFUL once complete, ROLLBACK_FAILED... simplified here to STOPPED when the circuit
 * breaker failed it; an older one that a newer deployment replaced is STOPPED.
 */
import type { EcsState } from "./state";
import type { SimCluster, SimDeployment, SimService } from "./model";
import { invalidParameter } from "./errors";
import { epochSeconds } from "./shapes";
import { paginate } from "./pagination";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STATUSES = [
  "PENDING",
  "SUCCESSFUL",
  "STOPPED",
  "STOP_REQUESTED",
  "IN_PROGRESS",
  "ROLLBACK_REQUESTED",
  "ROLLBACK_IN_PROGRESS",
  "ROLLBACK_SUCCESSFUL",
  "ROLLBACK_FAILED",
];

export function listServiceDeployments(state: EcsState, cluster: SimCluster, input: Json): Json {
  if (!input.service) throw invalidParameter("service is required.");
  const service = state.requireService(cluster, input.service);
  const wanted: string[] | undefined = input.status;
  const bad = wanted?.find((s) => !STATUSES.includes(s));
  if (bad) throw invalidParameter(`Invalid status "${bad}".`);
  const briefs = service.deployments.map((d) => brief(state, cluster, service, d)).filter((b) => !wanted || wanted.includes(b.status));
  const byArn = new Map(briefs.map((b) => [b.serviceDeploymentArn as string, b]));
  const page = paginate([...byArn.keys()].sort(), input, 20);
  return { serviceDeployments: page.items.map((arn) => byArn.get(arn)), nextToken: page.nextToken };
}

function brief(state: EcsState, cluster: SimCluster, service: SimService, deployment: SimDeployment): Json {
  const primary = deployment === service.deployments[0];
  const status = !primary
    ? "STOPPED"
    : deployment.rolloutState === "COMPLETED"
      ? "SUCCESSFUL"
      : deployment.rolloutState === "FAILED"
        ? "STOPPED"
        : "IN_PROGRESS";
  const id = deployment.id.replace("ecs-svc/", "");
  return {
    serviceDeploymentArn: state.arn(`service-deployment/${cluster.name}/${service.name}/${id}`),
    serviceArn: service.arn,
    clusterArn: state.arn(`cluster/${cluster.name}`),
    createdAt: epochSeconds(deployment.createdAtMs),
    startedAt: epochSeconds(deployment.createdAtMs),
    ...(status === "IN_PROGRESS" ? {} : { finishedAt: epochSeconds(deployment.updatedAtMs) }),
    targetServiceRevisionArn: state.arn(`service-revision/${cluster.name}/${service.name}/${id}`),
    status,
  };
}
