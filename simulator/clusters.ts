/** Clusters: CreateCluster is idempotent for an existing name, as in ECS. */
import type { EcsState } from "./state";
import type { SimCluster } from "./model";
import { invalidParameter } from "./errors";

export function createCluster(state: EcsState, name: string): SimCluster {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(name)) throw invalidParameter(`Invalid cluster name "${name}".`);
  const existing = state.clusters.get(name);
  if (existing) return existing;
  const cluster: SimCluster = {
    name,
    arn: state.arn(`cluster/${name}`),
    services: new Map(),
    instances: new Map(),
    tasks: new Map(),
    createdAtMs: state.nowMs,
  };
  state.clusters.set(name, cluster);
  return cluster;
}
