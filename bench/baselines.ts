import {
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  Service,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { RebalancerFactory } from "../cli/simulation";

/**
 * The two baselines we compare against, as RebalancerFactories that reach the simulator through the
 * SDK like ours does. Neither may crash the bench: errors are caught and the event is dropped, as a
 * Lambda's failed invocation would be (we do not model its async retries).
 */
function client(endpoint: string, clusterArn: string): ECSClient {
  return new ECSClient({ endpoint, region: clusterArn.split(":")[3], credentials: { accessKeyId: "x", secretAccessKey: "x" } });
}

interface InstanceEvent {
  "detail-type"?: string;
  detail?: { containerInstanceArn?: string; clusterArn?: string };
}

/**
 * awslabs/ecs-refarch-task-rebalancing, faithfully: on an instance state change, describe the
 * instance; if it runs and waits for nothing and its agent is connected, register a new revision of
 * every service's task definition (containerDefinitions and volumes only) and point the service at
 * it. It lists one page of services (ListServices returns 10 by default) and paginates nothing.
 */
export const referenceRebalancer: RebalancerFactory = ({ endpoint, clusterArn }) => {
  const ecs = client(endpoint, clusterArn);
  return async (raw) => {
    const event = raw as InstanceEvent;
    if (event["detail-type"] !== "ECS Container Instance State Change" || !event.detail?.containerInstanceArn) return;
    try {
      const { containerInstances } = await ecs.send(
        new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: [event.detail.containerInstanceArn] }),
      );
      const instance = containerInstances?.[0];
      if (!instance || instance.runningTasksCount !== 0 || instance.pendingTasksCount !== 0 || !instance.agentConnected) return;
      const { serviceArns } = await ecs.send(new ListServicesCommand({ cluster: clusterArn }));
      if (!serviceArns?.length) return; // the original crashed here; we only return
      const { services } = await ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: serviceArns }));
      for (const service of services ?? []) {
        const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }));
        const registered = await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: taskDefinition!.family,
            containerDefinitions: taskDefinition!.containerDefinitions,
            volumes: taskDefinition!.volumes,
          }),
        );
        await ecs.send(
          new UpdateServiceCommand({
            cluster: clusterArn,
            service: service.serviceName,
            taskDefinition: registered.taskDefinition!.taskDefinitionArn,
          }),
        );
      }
    } catch {
      // a failed invocation: the writes already made stay
    }
  };
};

/**
 * The later upstream approach: on each instance event, UpdateService forceNewDeployment on every
 * service imbalanced by instance (max − min > 1 tasks per ACTIVE instance). It skips services
 * already mid-deployment, or each of the events a deployment causes would start another.
 */
export const forceDeployRebalancer: RebalancerFactory = ({ endpoint, clusterArn }) => {
  const ecs = client(endpoint, clusterArn);
  return async (raw) => {
    const event = raw as InstanceEvent;
    if (event["detail-type"] !== "ECS Container Instance State Change") return;
    try {
      const instanceArns = await listAll((nextToken) =>
        ecs
          .send(new ListContainerInstancesCommand({ cluster: clusterArn, nextToken, maxResults: 100 }))
          .then((o) => ({ arns: o.containerInstanceArns, nextToken: o.nextToken })),
      );
      const active = new Set<string>();
      for (let i = 0; i < instanceArns.length; i += 100) {
        const { containerInstances } = await ecs.send(
          new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: instanceArns.slice(i, i + 100) }),
        );
        for (const ci of containerInstances ?? []) if (ci.status === "ACTIVE") active.add(ci.containerInstanceArn!);
      }
      const taskArns = await listAll((nextToken) =>
        ecs
          .send(new ListTasksCommand({ cluster: clusterArn, nextToken, maxResults: 100 }))
          .then((o) => ({ arns: o.taskArns, nextToken: o.nextToken })),
      );
      const counts = new Map<string, Map<string, number>>();
      for (let i = 0; i < taskArns.length; i += 100) {
        const { tasks } = await ecs.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: taskArns.slice(i, i + 100) }));
        for (const t of tasks ?? []) {
          if (t.lastStatus !== "RUNNING" || !t.group?.startsWith("service:")) continue;
          const perInstance = counts.get(t.group.slice(8)) ?? new Map<string, number>();
          perInstance.set(t.containerInstanceArn!, (perInstance.get(t.containerInstanceArn!) ?? 0) + 1);
          counts.set(t.group.slice(8), perInstance);
        }
      }
      const serviceArns = await listAll((nextToken) =>
        ecs
          .send(new ListServicesCommand({ cluster: clusterArn, nextToken, maxResults: 100 }))
          .then((o) => ({ arns: o.serviceArns, nextToken: o.nextToken })),
      );
      for (let i = 0; i < serviceArns.length; i += 10) {
        const { services } = await ecs.send(new DescribeServicesCommand({ cluster: clusterArn, services: serviceArns.slice(i, i + 10) }));
        for (const service of services ?? []) {
          if (!isImbalanced(service, counts.get(service.serviceName!), active)) continue;
          await ecs.send(new UpdateServiceCommand({ cluster: clusterArn, service: service.serviceName, forceNewDeployment: true }));
        }
      }
    } catch {
      // a failed invocation: the writes already made stay
    }
  };
};

function isImbalanced(service: Service, perInstance: Map<string, number> | undefined, active: Set<string>): boolean {
  if (service.schedulingStrategy === "DAEMON" || (service.deployments?.length ?? 0) > 1 || active.size < 2) return false;
  const counts = [...active].map((arn) => perInstance?.get(arn) ?? 0);
  return Math.max(...counts) - Math.min(...counts) > 1;
}

async function listAll(page: (nextToken?: string) => Promise<{ arns?: string[]; nextToken?: string }>): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const result = await page(nextToken);
    arns.push(...(result.arns ?? []));
    nextToken = result.nextToken;
  } while (nextToken);
  return arns;
}
