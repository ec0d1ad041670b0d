import type { ContainerInstance, Service, Task, TaskDefinition } from "@aws-sdk/client-ecs";
import { Snapshot } from "./snapshot";

/**
 * One entry per ARN. ECS's List calls page through a cluster that changes meanwhile, so one ARN can
 * be listed (and described) twice, and a snapshot file can repeat an entry. Kept: the most recent
 * view, by `version` where ECS keeps one (container instances and tasks increment it on every
 * change), else the later entry. Without this an instance listed twice becomes a move to itself,
 * and a task listed twice is moved twice.
 */
export interface UniqueSnapshot {
  snapshot: Snapshot;
  /** Service names held by more than one service ARN: their tasks ("service:<name>") cannot be told apart. */
  duplicateServiceNames: Set<string>;
}

export function dedupeSnapshot(snapshot: Snapshot): UniqueSnapshot {
  const services = latestByArn(snapshot.services, (s: Service) => s.serviceArn);
  const names = new Set<string>();
  const duplicateServiceNames = new Set<string>();
  for (const { serviceName = "" } of services) (names.has(serviceName) ? duplicateServiceNames : names).add(serviceName);
  return {
    snapshot: {
      clusterArn: snapshot.clusterArn,
      containerInstances: latestByArn(snapshot.containerInstances, (i: ContainerInstance) => i.containerInstanceArn),
      services,
      tasks: latestByArn(snapshot.tasks, (t: Task) => t.taskArn),
      taskDefinitions: latestByArn(snapshot.taskDefinitions, (d: TaskDefinition) => d.taskDefinitionArn),
    },
    duplicateServiceNames,
  };
}

/** The list itself when every ARN is unique (the usual case: no copy), else the latest entry per ARN, in first-seen order. */
function latestByArn<T extends object>(items: T[], arnOf: (item: T) => string | undefined): T[] {
  // a set of ARNs first: about half the cost of keeping entries, on 100,000 tasks of a cluster
  const arns = new Set<string>();
  for (const item of items) arns.add(arnOf(item) ?? "");
  if (arns.size === items.length) return items;
  // `version` where ECS keeps one; an entry without it ties, and the later one wins
  const version = (x: object) => ((x as { version?: unknown }).version as number) ?? 0;
  const kept = new Map<string, T>();
  for (const item of items) {
    const arn = arnOf(item) ?? "";
    const seen = kept.get(arn);
    if (seen === undefined || version(item) >= version(seen)) kept.set(arn, item);
  }
  return [...kept.values()];
}
