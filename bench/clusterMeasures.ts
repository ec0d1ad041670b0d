import { EcsSimulator } from "../simulator";
import { minimumMoves, OracleInstance } from "./oracle";

/**
 * What the bench reads from the simulator's own model (not through our snapshot code): the fewest
 * moves the oracle allows, and the skew left at the end.
 */
export interface ClusterMeasures {
  services: number;
  tasks: number;
  instances: number;
  optimalMoves: number;
  /** Max over spread-by-instance services of (max − min tasks per eligible instance within its zone groups). */
  maxSkew: number;
  /** Max − min of all tasks per eligible (ACTIVE, connected) instance. */
  totalSkew: number;
  /**
   * The fewest ListServiceDeployments calls the engine must make to balance: one per wave that
   * writes to a service, so one per service that needs a move by stopping, two (start and finish)
   * per service that needs a surge.
   */
  deploymentChecks: number;
}

export function measureCluster(sim: EcsSimulator, clusterName: string): ClusterMeasures {
  const cluster = sim.state.cluster(clusterName);
  const eligibleRecords = [...cluster.instances.values()].filter((i) => i.status === "ACTIVE" && i.agentConnected);
  const eligible: OracleInstance[] = eligibleRecords.map((i) => ({ arn: i.arn, attributes: i.attributes }));
  let tasks = 0;
  let optimalMoves = 0;
  let maxSkew = 0;
  let deploymentChecks = 0;
  const services = [...cluster.services.values()].filter((s) => s.status === "ACTIVE");
  for (const service of services) {
    const perInstance: Record<string, number> = {};
    for (const task of service.tasks) {
      if (task.lastStatus !== "RUNNING") continue;
      tasks++;
      perInstance[task.containerInstance.arn] = (perInstance[task.containerInstance.arn] ?? 0) + 1;
    }
    if (!isSpreadOnly(service.schedulingStrategy, service.placementStrategy, service.placementConstraints.length)) continue;
    const fields = spreadFields(service.placementStrategy);
    const moves = minimumMoves(eligible, { spreadFields: fields, tasksPerInstance: perInstance });
    optimalMoves += moves;
    if (moves > 0) deploymentChecks += canStopFirst(service.desiredCount, service.deploymentConfiguration.minimumHealthyPercent ?? 100) ? 1 : 2;
    if (fields.includes("instanceId")) maxSkew = Math.max(maxSkew, skewWithinGroups(eligible, fields.slice(0, fields.indexOf("instanceId")), perInstance));
  }
  const totals = eligibleRecords.map((i) => [...i.tasks].filter((t) => t.lastStatus === "RUNNING").length);
  return {
    services: services.length,
    tasks,
    instances: eligible.length,
    optimalMoves,
    maxSkew,
    deploymentChecks,
    totalSkew: totals.length ? Math.max(...totals) - Math.min(...totals) : 0,
  };
}

function canStopFirst(desired: number, minimumHealthyPercent: number): boolean {
  return desired - Math.ceil((desired * minimumHealthyPercent) / 100) >= 1;
}

function isSpreadOnly(scheduling: string, strategies: { type?: string }[], constraints: number): boolean {
  return scheduling === "REPLICA" && constraints === 0 && strategies.every((s) => s.type === "spread");
}

/** No strategy means ECS spreads by zone only. */
function spreadFields(strategies: { field?: string }[]): string[] {
  return strategies.length ? strategies.map((s) => s.field!) : ["attribute:ecs.availability-zone"];
}

function skewWithinGroups(eligible: OracleInstance[], groupFields: string[], perInstance: Record<string, number>): number {
  const groups = new Map<string, number[]>();
  for (const instance of eligible) {
    const key = groupFields.map((f) => instance.attributes[f.replace(/^attribute:/, "")] ?? "").join("|");
    groups.set(key, [...(groups.get(key) ?? []), perInstance[instance.arn] ?? 0]);
  }
  return Math.max(0, ...[...groups.values()].map((counts) => Math.max(...counts) - Math.min(...counts)));
}
