import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./infra/config";
import { Network } from "./infra/network";
import { LoadBalancer } from "./infra/loadBalancer";
import { EcsCluster } from "./infra/ecsCluster";
import { WebService } from "./infra/webService";
import { TaskRebalancer } from "./infra/taskRebalancer";

// Validates every key before any resource is declared.
const config = loadStackConfig();

function createDemo() {
  const network = new Network("demo", {
    availabilityZoneCount: config.network.availabilityZoneCount,
    natGateways: config.network.natGateways,
    cidrBlock: config.network.vpcCidr,
    flowLogTrafficType: config.security.flowLogTrafficType,
    flowLogRetentionDays: config.security.flowLogRetentionDays,
  });
  const loadBalancer = new LoadBalancer("demo", {
    vpcId: network.vpcId,
    vpcCidrBlock: network.cidrBlock,
    publicSubnetIds: network.publicSubnetIds,
    healthCheckPath: config.loadBalancer.healthCheckPath,
    deregistrationDelaySeconds: config.loadBalancer.deregistrationDelaySeconds,
    certificateArn: config.loadBalancer.certificateArn,
    deletionProtection: config.security.deletionProtection,
    accessLogRetentionDays: config.security.accessLogRetentionDays,
  });
  const cluster = new EcsCluster("demo", {
    ...config.cluster,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    albSecurityGroupId: loadBalancer.securityGroupId,
    detailedMonitoring: config.security.detailedMonitoring,
  });
  new WebService("web", {
    clusterArn: cluster.clusterArn,
    capacityProviderName: cluster.capacityProviderName,
    targetGroupArn: loadBalancer.targetGroupArn,
    listenerArn: loadBalancer.listenerArn,
    deregistrationDelaySeconds: config.loadBalancer.deregistrationDelaySeconds,
    image: config.service.containerImage,
    cpu: config.service.containerCpu,
    memory: config.service.containerMemory,
    desiredCount: config.service.serviceDesiredCount,
    logRetentionDays: config.service.logRetentionDays,
    containerPort: config.service.containerPort,
    user: config.service.containerUser,
  });
  return { network, loadBalancer, cluster };
}

const demo = config.createDemoCluster ? createDemo() : undefined;

/** Every cluster the rebalancer watches: the demo cluster's ARN, then the configured names or ARNs. */
export const watchedClusters: pulumi.Output<string[]> = pulumi
  .all(demo ? [demo.cluster.clusterArn] : [])
  .apply((demoArns) => [...demoArns, ...config.rebalancer.targetClusters]);

const { targetClusters, ...rebalancerSettings } = config.rebalancer;
// plain names and ARNs (the demo cluster by its configured name), so that the alarms and the
// dashboard can be laid out per cluster before anything exists
const rebalancer = new TaskRebalancer("rebalancer", {
  watchedClusters: [...(demo ? [config.cluster.clusterName] : []), ...targetClusters],
  settings: rebalancerSettings,
  monitoring: config.monitoring,
});

export const appUrl = demo?.loadBalancer.url;
export const clusterName = demo?.cluster.clusterName;
export const clusterArn = demo?.cluster.clusterArn;
export const autoScalingGroupName = demo?.cluster.autoScalingGroupName;
export const vpcId = demo?.network.vpcId;
export const rebalancerFunctionName = rebalancer.functionName;
export const rebalancerDeadLetterQueueUrl = rebalancer.deadLetterQueueUrl;
export const rebalancerDashboardName = rebalancer.dashboardName;
