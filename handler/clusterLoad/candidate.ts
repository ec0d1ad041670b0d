import type { Task } from "@aws-sdk/client-ecs";
import { ZONE_FIELD, TaskNeeds } from "../placement";
import { ClusterState } from "../serviceLayout";
import { isZoneLevelEcs } from "../azRebalancing";
import { isEc2InstanceId, MAX_PLACEMENT_CONSTRAINTS } from "../surgePin";
import type { BalancedService } from "../serviceSpread/spreadPass";

/**
 * A service the cluster load pass may move: one the service spread pass left balanced, that spreads
 * by zone, then instance. Only for those is ECS's choice inside a zone known (the instance with the
 * fewest tasks of the service), and a move from an instance holding one more than the service's
 * fewest to one holding the fewest keeps it balanced. Every other task is fixed load.
 */
export interface LoadCandidate {
  serviceArn: string;
  serviceName: string;
  needs: TaskNeeds;
  /** The service's tasks per ledger position. */
  counts: Map<number, number>;
  /** Whether the service's placement constraints allow the instance at a position. */
  allows: (at: number) => boolean;
  /** The service's tasks on the instance at a position, in leaving order (leavingTask.ts). */
  tasksOn: (at: number) => Task[];
  /** The EC2 instance ID to pin a started task to at a position, where the service may be pinned (surgePin.ts). */
  pinTo: (at: number) => string | undefined;
  /** Whether ECS's own AZ rebalancing owns the service's zone counts (azRebalancing.ts). */
  zoneLevelEcs: boolean;
}

/**
 * The candidates among the balanced services. Load moves stay inside a zone, and the load pass only
 * surges a service in its emptiest zone(s): its zones stay even for its desired count at every
 * moment, so a service whose zone level belongs to ECS's AZ rebalancing is a candidate too (the
 * instances within a zone are ECS's blind spot).
 */
export function loadCandidates(balanced: BalancedService[], cluster: ClusterState): LoadCandidate[] {
  return balanced.filter(({ layout }) => isZoneThenInstance(layout.fields)).map((b) => loadCandidate(b, cluster));
}

function isZoneThenInstance(fields: string[]): boolean {
  return fields.length === 2 && fields[0] === ZONE_FIELD && fields[1] === "instanceId";
}

function loadCandidate({ service, tasks, layout }: BalancedService, cluster: ClusterState): LoadCandidate {
  const counts = new Map<number, number>();
  for (const at of tasks.positions) counts.set(at, (counts.get(at) ?? 0) + 1);
  // one more constraint must stay within ECS's limit, the task definition's counted
  const definition = cluster.taskDefinitions.get(service.taskDefinition ?? "");
  const constraints = (service.placementConstraints?.length ?? 0) + (definition?.placementConstraints?.length ?? 0);
  const pinnable = constraints + 1 <= MAX_PLACEMENT_CONSTRAINTS;
  return {
    serviceArn: service.serviceArn!,
    serviceName: service.serviceName!,
    needs: layout.needs,
    counts,
    allows: layout.allows,
    tasksOn: (at) => layout.tasksOn(cluster.availableArns[at]),
    pinTo: (at) => {
      const id = cluster.available[at]?.ec2InstanceId;
      return pinnable && isEc2InstanceId(id) ? id : undefined;
    },
    zoneLevelEcs: isZoneLevelEcs(service),
  };
}
