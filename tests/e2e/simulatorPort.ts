import type { EcsPort } from "../../handler/ecsPort";
import type { EcsSimulator } from "../../simulator";

/**
 * The engine's port straight onto a simulator in this process (no HTTP, no SDK): for specs that
 * drive the engine and the simulator's clock together. Shapes are the wire JSON (dates as epoch
 * seconds), which the engine does not read for these specs.
 */
export function simulatorPort(sim: EcsSimulator): EcsPort {
  const call = async (operation: string, input: Record<string, unknown>) => sim.call(operation, input) as any;
  const list = async (operation: string, key: string, input: Record<string, unknown>) => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call(operation, { ...input, nextToken, maxResults: 100 });
      arns.push(...page[key]);
      nextToken = page.nextToken;
    } while (nextToken);
    return arns;
  };
  const described = (output: any, key: string) => ({ items: output[key] ?? [], failures: output.failures ?? [] });
  return {
    listContainerInstances: (cluster) => list("ListContainerInstances", "containerInstanceArns", { cluster }),
    listServices: (cluster) => list("ListServices", "serviceArns", { cluster }),
    listTasks: (cluster) => list("ListTasks", "taskArns", { cluster }),
    describeContainerInstances: async (cluster, arns) =>
      described(await call("DescribeContainerInstances", { cluster, containerInstances: arns }), "containerInstances"),
    describeServices: async (cluster, arns) =>
      described(await call("DescribeServices", { cluster, services: arns, include: ["TAGS"] }), "services"),
    describeTasks: async (cluster, arns) => described(await call("DescribeTasks", { cluster, tasks: arns }), "tasks"),
    describeTaskDefinition: async (taskDefinition) => (await call("DescribeTaskDefinition", { taskDefinition })).taskDefinition,
    listServiceDeployments: async (cluster, service, status) =>
      (await call("ListServiceDeployments", { cluster, service, status })).serviceDeployments,
    updateServiceDesiredCount: async (cluster, service, desiredCount, placementConstraints) =>
      void (await call("UpdateService", { cluster, service, desiredCount, ...(placementConstraints ? { placementConstraints } : {}) })),
    updateServicePlacementConstraints: async (cluster, service, placementConstraints) =>
      void (await call("UpdateService", { cluster, service, placementConstraints })),
    stopTask: async (cluster, task, reason) => void (await call("StopTask", { cluster, task, reason })),
    tagResource: async (resourceArn, tags) => void (await call("TagResource", { resourceArn, tags })),
    untagResource: async (resourceArn, tagKeys) => void (await call("UntagResource", { resourceArn, tagKeys })),
    updateTaskProtection: async (cluster, tasks, protectionEnabled, expiresInMinutes) =>
      void (await call("UpdateTaskProtection", { cluster, tasks, protectionEnabled, expiresInMinutes })),
  };
}
