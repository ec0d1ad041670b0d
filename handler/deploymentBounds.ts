import type { Service } from "@aws-sdk/client-ecs";

/**
 * The room a service's deployment configuration leaves, computed as ECS does for deployments:
 * running tasks stay at or above ceil(desired x minimumHealthyPercent / 100) and at or below
 * floor(desired x maximumPercent / 100). ECS's defaults for REPLICA services are 100 and 200.
 */
export interface DeploymentBounds {
  /** Tasks that may be stopped at once without a replacement running first. */
  stoppable: number;
  /** Tasks that may run above the desired count. */
  surgeable: number;
}

export function deploymentBounds(service: Service): DeploymentBounds {
  const desired = service.desiredCount ?? 0;
  const minimumHealthyPercent = service.deploymentConfiguration?.minimumHealthyPercent ?? 100;
  const maximumPercent = service.deploymentConfiguration?.maximumPercent ?? 200;
  const minimumRunning = Math.ceil((desired * minimumHealthyPercent) / 100);
  const maximumRunning = Math.floor((desired * maximumPercent) / 100);
  return {
    stoppable: Math.max(0, desired - minimumRunning),
    surgeable: Math.max(0, maximumRunning - desired),
  };
}
