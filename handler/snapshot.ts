import type { ContainerInstance, Failure, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { mapWithLimit } from "./concurrency";
import { DESCRIBE_LIMITS, EcsPort } from "./ecsPort";
import { dedupeSnapshot } from "./snapshotDedupe";
import { snapshotProblem } from "./snapshotValidation";

/**
 * One cluster as the ECS API describes it. Every element is exactly what the API returns, so a
 * snapshot file can be assembled with the AWS CLI as well as with `ecs-rebalance snapshot`.
 */
export interface Snapshot {
  clusterArn: string;
  containerInstances: ContainerInstance[];
  services: Service[];
  tasks: Task[];
  taskDefinitions: TaskDefinition[];
}

export interface SnapshotRead {
  snapshot: Snapshot;
  /** Describe failures left after one retry; the planner sees their absence and skips conservatively. */
  failures: Failure[];
}

/**
 * Reads a cluster: list then describe, in ECS's batch sizes. Task definitions are read once per
 * revision that a REPLICA service runs; revisions are immutable, so `taskDefinitionCache` may be
 * kept across runs of a warm Lambda.
 */
export async function readSnapshot(
  ecs: EcsPort,
  cluster: string,
  taskDefinitionCache: Map<string, TaskDefinition> = new Map(),
): Promise<SnapshotRead> {
  const failures: Failure[] = [];
  const [instanceArns, serviceArns, taskArns] = await Promise.all([
    ecs.listContainerInstances(cluster),
    ecs.listServices(cluster),
    ecs.listTasks(cluster),
  ]);
  const [containerInstances, services, tasks] = await Promise.all([
    describeAll(instanceArns, DESCRIBE_LIMITS.containerInstances, (b) => ecs.describeContainerInstances(cluster, b), failures),
    describeAll(serviceArns, DESCRIBE_LIMITS.services, (b) => ecs.describeServices(cluster, b), failures),
    describeAll(taskArns, DESCRIBE_LIMITS.tasks, (b) => ecs.describeTasks(cluster, b), failures),
  ]);
  const taskDefinitions = await readTaskDefinitions(ecs, services, taskDefinitionCache);
  const clusterArn = services[0]?.clusterArn ?? tasks[0]?.clusterArn ?? clusterArnFrom(containerInstances[0], cluster);
  const snapshot = { clusterArn, containerInstances, services, tasks, taskDefinitions };
  // trust nothing read: a field of the wrong type stops this run with its path, before any plan
  const problem = snapshotProblem(snapshot);
  if (problem) throw new Error(`ECS answered a snapshot the engine cannot use: ${problem}`);
  return { snapshot: dedupeSnapshot(snapshot).snapshot, failures };
}

/** Calls in flight per kind of read; three kinds run side by side. */
const PARALLEL_READS = 4;

/** Describes in batches; ARNs answered as `failures` are asked once more, since ECS is eventually consistent. */
async function describeAll<T>(
  arns: string[],
  batchSize: number,
  describe: (batch: string[]) => Promise<{ items: T[]; failures: Failure[] }>,
  failures: Failure[],
): Promise<T[]> {
  const answers = await mapWithLimit(chunk(arns, batchSize), PARALLEL_READS, describe);
  const items = answers.flatMap((a) => a.items);
  const retry = answers.flatMap((a) => a.failures.map((f) => f.arn).filter((arn): arn is string => !!arn));
  for (const answer of await mapWithLimit(chunk(retry, batchSize), PARALLEL_READS, describe)) {
    items.push(...answer.items);
    failures.push(...answer.failures);
  }
  return items;
}

async function readTaskDefinitions(ecs: EcsPort, services: Service[], cache: Map<string, TaskDefinition>): Promise<TaskDefinition[]> {
  const arns = new Set<string>();
  for (const service of services) {
    if (service.schedulingStrategy !== "DAEMON" && service.taskDefinition) arns.add(service.taskDefinition);
  }
  return mapWithLimit([...arns], PARALLEL_READS, async (arn) => {
    let definition = cache.get(arn);
    if (!definition) {
      definition = await ecs.describeTaskDefinition(arn);
      cache.set(arn, definition);
    }
    return definition;
  });
}

export function chunk<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

function clusterArnFrom(instance: ContainerInstance | undefined, cluster: string): string {
  if (cluster.startsWith("arn:")) return cluster;
  // container-instance ARNs embed the cluster name: arn:...:container-instance/<cluster>/<id>
  const arn = instance?.containerInstanceArn;
  if (arn) return arn.replace(/:container-instance\/([^/]+)\/.*$/, ":cluster/$1");
  return cluster;
}
