import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A watched cluster's ARN and the pieces IAM resource patterns are built from. */
export interface ClusterIdentity {
  arn: string;
  name: string;
  partition: string;
  region: string;
  account: string;
}

const CLUSTER_ARN = /^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/;

/** Resolves names to ARNs in this stack's account and region; ARNs are kept as given. Duplicates collapse. */
export function clusterIdentity(clusters: pulumi.Input<pulumi.Input<string>[]>, parent: pulumi.Resource): pulumi.Output<ClusterIdentity[]> {
  const partition = aws.getPartitionOutput({}, { parent });
  const region = aws.getRegionOutput({}, { parent });
  const caller = aws.getCallerIdentityOutput({}, { parent });
  return pulumi.all([pulumi.output(clusters), partition.partition, region.name, caller.accountId]).apply(([list, p, r, account]) => {
    const byArn = new Map<string, ClusterIdentity>();
    for (const cluster of list) {
      const identity = identify(cluster, p, r, account);
      byArn.set(identity.arn, identity);
    }
    return [...byArn.values()];
  });
}

export function identify(cluster: string, partition: string, region: string, account: string): ClusterIdentity {
  const match = CLUSTER_ARN.exec(cluster);
  if (match) return { arn: cluster, partition: match[1], region: match[2], account: match[3], name: match[4] };
  return { arn: `arn:${partition}:ecs:${region}:${account}:cluster/${cluster}`, name: cluster, partition, region, account };
}
