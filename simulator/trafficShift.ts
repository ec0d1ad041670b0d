/**
 * The deployment strategies that shift traffic (deploymentConfiguration.strategy BLUE_GREEN, LINEAR,
 * CANARY), enough to show what a rebalancer sees of them: the new ("green") revision is scaled up
 * to the desired count beside the old ("blue") tasks, which keep running (about 2 × desired) through
 * the traffic shift (at once; in linear steps of stepPercent every stepBakeTimeInMinutes; or a canary
 * that bakes canaryBakeTimeInMinutes first) and then the bake time (bakeTimeInMinutes, up to 1,440);
 * only then are the blue tasks stopped (clean-up). The deployment is IN_PROGRESS the whole time.
 * Not modelled: load balancer listeners, lifecycle hooks, alarms and rollbacks.
 */
import type { DeploymentConfiguration } from "@aws-sdk/client-ecs";
import type { EcsState } from "./state";
import type { SimDeployment, SimService } from "./model";
import { invalidParameter } from "./errors";

const SHIFTING = ["BLUE_GREEN", "LINEAR", "CANARY"];

export function validateStrategy(config: DeploymentConfiguration | undefined): void {
  const strategy = config?.strategy;
  if (strategy === undefined) return;
  if (strategy !== "ROLLING" && !SHIFTING.includes(strategy)) throw invalidParameter(`Invalid deployment strategy "${strategy}".`);
  const minutes = (value: number | undefined, name: string) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 1440))
      throw invalidParameter(`${name} must be an integer from 0 to 1440.`);
  };
  minutes(config?.bakeTimeInMinutes, "bakeTimeInMinutes");
  minutes(config?.linearConfiguration?.stepBakeTimeInMinutes, "stepBakeTimeInMinutes");
  minutes(config?.canaryConfiguration?.canaryBakeTimeInMinutes, "canaryBakeTimeInMinutes");
  const step = config?.linearConfiguration?.stepPercent;
  if (strategy === "LINEAR" && (step === undefined || step < 3 || step > 100))
    throw invalidParameter("linearConfiguration.stepPercent must be from 3.0 to 100.0.");
  const canary = config?.canaryConfiguration?.canaryPercent;
  if (strategy === "CANARY" && (canary === undefined || canary < 0.1 || canary > 100))
    throw invalidParameter("canaryConfiguration.canaryPercent must be from 0.1 to 100.0.");
}

/** Whether the PRIMARY deployment replaces an older revision by shifting traffic (blue and green side by side). */
export function isShifting(service: SimService): boolean {
  return SHIFTING.includes(service.deploymentConfiguration.strategy ?? "ROLLING") && service.deployments.length > 1;
}

/** Minutes from the moment the green tasks all run until clean-up may start: the shift, then the bake. */
export function holdMinutes(config: DeploymentConfiguration): number {
  const bake = config.bakeTimeInMinutes ?? 0;
  if (config.strategy === "LINEAR") {
    const steps = Math.ceil(100 / (config.linearConfiguration?.stepPercent ?? 100));
    return steps * (config.linearConfiguration?.stepBakeTimeInMinutes ?? 0) + bake;
  }
  if (config.strategy === "CANARY") return (config.canaryConfiguration?.canaryBakeTimeInMinutes ?? 0) + bake;
  return bake;
}

/**
 * Whether the blue tasks may be stopped yet: once the green tasks all run (the shift starts then),
 * after the shift and the bake.
 */
export function isCleanUpDue(state: EcsState, service: SimService, primary: SimDeployment, greenRunning: number): boolean {
  if (primary.greenReadyMs === undefined) {
    if (greenRunning < service.desiredCount) return false;
    primary.greenReadyMs = state.nowMs;
  }
  return state.nowMs - primary.greenReadyMs >= holdMinutes(service.deploymentConfiguration) * 60_000;
}
