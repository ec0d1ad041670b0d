import { serviceState } from "../cli/floorDips";
import { desiredCountLoweredBelowMinimumHealthy, FloorVerdict, isHealthy, stopBelowMinimumHealthy } from "../cli/minimumHealthy";
import type { EcsSimulator } from "../simulator";

/**
 * The soak's primary invariant, checked from ECS's side at the moment a rebalancer write arrives:
 * a write never leaves a service below its minimum healthy count (see minimumHealthy.ts).
 */
export interface FloorViolation extends FloorVerdict {
  operation: "StopTask" | "UpdateService";
  service: string;
  /** The service's desired count when the write arrived (for UpdateService, before the lowering; n is the lowered count). */
  desiredCount: number;
  step: number;
  /** Simulated seconds into the step. */
  seconds: number;
  at: string;
  /** StopTask: where the stopped task ran, "ec2 id (zone)", and whether it was healthy until then. */
  instance?: string;
  stoppedTaskWasHealthy?: boolean;
}

/**
 * Judges one write BEFORE it reaches the simulator (afterwards the task is already stopping). The
 * caller keeps the verdict only if ECS then accepts the write: a throttled or denied write changes
 * nothing. UpdateService counts only when it lowers the desired count; raising it stops nothing.
 */
export function writeBelowMinimumHealthy(
  sim: EcsSimulator,
  operation: string,
  input: Record<string, unknown>,
  when: { step: number; seconds: number },
): FloorViolation | undefined {
  if (operation !== "StopTask" && operation !== "UpdateService") return undefined;
  let cluster;
  try {
    cluster = sim.state.cluster(input.cluster as string | undefined);
  } catch {
    return undefined; // ECS will refuse it
  }
  const context = { step: when.step, seconds: when.seconds, at: sim.now.toISOString() };
  if (operation === "StopTask") {
    const task = sim.state.task(cluster, String(input.task ?? ""));
    const service = task?.serviceName ? cluster.services.get(task.serviceName) : undefined;
    // DAEMON services have no desired count of their own to keep; the engine never touches them
    if (!task || !service || service.schedulingStrategy !== "REPLICA") return undefined;
    const verdict = stopBelowMinimumHealthy(serviceState(sim, service), task);
    if (!verdict.isBelowFloor) return undefined;
    const instance = `${task.containerInstance.ec2InstanceId} (${task.containerInstance.attributes["ecs.availability-zone"] ?? "?"})`;
    return {
      operation,
      service: service.name,
      desiredCount: service.desiredCount,
      ...verdict,
      ...context,
      instance,
      stoppedTaskWasHealthy: isHealthy(task),
    };
  }
  const service = sim.state.service(cluster, String(input.service ?? ""));
  const lowered = input.desiredCount;
  if (!service || service.schedulingStrategy !== "REPLICA" || typeof lowered !== "number" || lowered >= service.desiredCount)
    return undefined;
  const verdict = desiredCountLoweredBelowMinimumHealthy(serviceState(sim, service), lowered);
  if (!verdict.isBelowFloor) return undefined;
  return { operation, service: service.name, desiredCount: service.desiredCount, ...verdict, ...context };
}
