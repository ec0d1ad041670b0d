import { mapWithLimit } from "./concurrency";
import { EcsPort } from "./ecsPort";
import { Plan } from "./planner";

/**
 * BLUE_GREEN, LINEAR and CANARY deployments run the new revision beside the old one for up to a day
 * (bake time, paused lifecycle hooks) while the service's counts can look steady, so the service's
 * `deployments` cannot be trusted to show them. ListServiceDeployments can: a service with any
 * service deployment in one of these statuses is being deployed (ServiceDeploymentStatus).
 */
export const ACTIVE_SERVICE_DEPLOYMENT_STATUSES = [
  "PENDING",
  "IN_PROGRESS",
  "STOP_REQUESTED",
  "ROLLBACK_REQUESTED",
  "ROLLBACK_IN_PROGRESS",
];

/** Services checked at once; each check is one ListServiceDeployments call (more only past 100 deployments). */
const PARALLEL_CHECKS = 4;

/**
 * The services the plan would write to (moves, or a surge to complete) that are being deployed, with
 * why. Only those are asked, one call each: every other service is skipped or balanced already, and
 * asking all of them would multiply the reads of a run by the number of services.
 */
export async function findDeployingServices(ecs: EcsPort, cluster: string, plan: Plan): Promise<Map<string, string>> {
  const services = [
    ...new Set([...plan.moves.map((m) => m.service), ...plan.surges.filter((s) => s.kind === "complete").map((s) => s.service)]),
  ];
  const deploying = new Map<string, string>();
  await mapWithLimit(services, PARALLEL_CHECKS, async (service) => {
    try {
      const found = await ecs.listServiceDeployments(cluster, service, ACTIVE_SERVICE_DEPLOYMENT_STATUSES);
      if (found.length > 0) deploying.set(service, found.map((d) => `${d.serviceDeploymentArn ?? "?"} ${d.status}`).join(", "));
    } catch (error) {
      // not knowing is not a licence to act: the service waits for a run that can read it
      deploying.set(service, `ListServiceDeployments failed (${(error as Error).name}): deployment state unknown`);
    }
  });
  return deploying;
}

/** The plan without writes to the services being deployed: each one is skipped, with the deployments found. */
export function withoutDeployingServices(plan: Plan, deploying: Map<string, string>): Plan {
  if (deploying.size === 0) return plan;
  const names = new Map([...plan.moves, ...plan.surges].map((m) => [m.service, m.serviceName]));
  const skipped = [...deploying].map(([service, detail]) => ({
    service,
    serviceName: names.get(service) ?? service,
    reason: "service-deployment-in-progress" as const,
    detail,
  }));
  return {
    ...plan,
    moves: plan.moves.filter((m) => !deploying.has(m.service)),
    // a pin never stays while a deployment runs: ECS would place the new revision's tasks on the
    // pinned instance only (surgePin.ts). The surge itself waits for the deployment, as a move does.
    surges: plan.surges.flatMap((s): Plan["surges"] => {
      if (!deploying.has(s.service)) return [s];
      if (!s.restoreConstraints) return [];
      const detail = `${deploying.get(s.service)}: the surge's pin is removed, the surge waits`;
      return [{ kind: "unpin", service: s.service, serviceName: s.serviceName, detail, restoreConstraints: s.restoreConstraints }];
    }),
    skipped: [...plan.skipped, ...skipped],
  };
}
