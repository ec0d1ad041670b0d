import type * as EcsSdk from "@aws-sdk/client-ecs";
import type { ECSClient } from "@aws-sdk/client-ecs";
import { EcsPort } from "./ecsPort";
import { clockedRetryStrategy } from "./sdkRetries";
import { PacingClock, REAL_CLOCK } from "./writePacing";

const MAX_ATTEMPTS = 8;

/**
 * The EcsPort over the AWS SDK v3. The SDK module is passed in rather than imported: the Lambda's
 * callback factory requires it at cold start from the runtime (nodejs22.x ships SDK v3), so the
 * serialized archive never captures SDK internals. Lists use the SDK's paginators at their largest
 * page size; retries are the client's (sdkRetries.ts, set where the client is made).
 */
export function createSdkEcsPort(sdk: typeof EcsSdk, client: ECSClient): EcsPort {
  const collect = async <T>(pages: AsyncIterable<T>, pick: (page: T) => string[] | undefined) => {
    const arns: string[] = [];
    for await (const page of pages) arns.push(...(pick(page) ?? []));
    return arns;
  };
  return {
    listContainerInstances: (cluster) =>
      collect(sdk.paginateListContainerInstances({ client, pageSize: 100 }, { cluster }), (p) => p.containerInstanceArns),
    listServices: (cluster) => collect(sdk.paginateListServices({ client, pageSize: 100 }, { cluster }), (p) => p.serviceArns),
    listTasks: (cluster) =>
      collect(sdk.paginateListTasks({ client, pageSize: 100 }, { cluster, desiredStatus: "RUNNING" }), (p) => p.taskArns),
    describeContainerInstances: async (cluster, arns) => {
      const out = await client.send(new sdk.DescribeContainerInstancesCommand({ cluster, containerInstances: arns }));
      return { items: out.containerInstances ?? [], failures: out.failures ?? [] };
    },
    describeServices: async (cluster, arns) => {
      const out = await client.send(new sdk.DescribeServicesCommand({ cluster, services: arns, include: ["TAGS"] }));
      return { items: out.services ?? [], failures: out.failures ?? [] };
    },
    describeTasks: async (cluster, arns) => {
      const out = await client.send(new sdk.DescribeTasksCommand({ cluster, tasks: arns }));
      return { items: out.tasks ?? [], failures: out.failures ?? [] };
    },
    describeTaskDefinition: async (taskDefinition) => {
      const out = await client.send(new sdk.DescribeTaskDefinitionCommand({ taskDefinition }));
      if (!out.taskDefinition) throw new Error(`invariant: DescribeTaskDefinition returned no task definition for ${taskDefinition}`);
      return out.taskDefinition;
    },
    listServiceDeployments: async (cluster, service, status) => {
      // no SDK paginator exists for this operation: follow nextToken by hand
      const found: EcsSdk.ServiceDeploymentBrief[] = [];
      let nextToken: string | undefined;
      do {
        const input = { cluster, service, status: status as EcsSdk.ServiceDeploymentStatus[], maxResults: 100, nextToken };
        const out = await client.send(new sdk.ListServiceDeploymentsCommand(input));
        found.push(...(out.serviceDeployments ?? []));
        nextToken = out.nextToken;
      } while (nextToken);
      return found;
    },
    updateServiceDesiredCount: async (cluster, service, desiredCount, placementConstraints) => {
      await client.send(
        new sdk.UpdateServiceCommand({ cluster, service, desiredCount, ...(placementConstraints ? { placementConstraints } : {}) }),
      );
    },
    updateServicePlacementConstraints: async (cluster, service, placementConstraints) => {
      await client.send(new sdk.UpdateServiceCommand({ cluster, service, placementConstraints }));
    },
    stopTask: async (cluster, task, reason) => {
      await client.send(new sdk.StopTaskCommand({ cluster, task, reason }));
    },
    tagResource: async (resourceArn, tags) => {
      await client.send(new sdk.TagResourceCommand({ resourceArn, tags }));
    },
    untagResource: async (resourceArn, tagKeys) => {
      await client.send(new sdk.UntagResourceCommand({ resourceArn, tagKeys }));
    },
    updateTaskProtection: async (cluster, tasks, protectionEnabled, expiresInMinutes) => {
      const out = await client.send(new sdk.UpdateTaskProtectionCommand({ cluster, tasks, protectionEnabled, expiresInMinutes }));
      // a task that cannot be protected (stopped meanwhile, say) comes back as a failure, not an error
      const failed = (out.failures ?? []).filter((f) => f.reason !== "MISSING");
      if (failed.length > 0)
        throw Object.assign(new Error(`UpdateTaskProtection failures: ${JSON.stringify(failed)}`), { name: "TaskProtectionFailure" });
    },
  };
}

/** Calls ECS answered with throttling, counted per attempt (each retry the SDK makes counts again). */
export interface ThrottleCounter {
  throttled: number;
}

/** The client the Lambda and the CLI use: retries on `clock` absorb ECS's token-bucket throttling. */
export function createEcsClient(
  sdk: typeof EcsSdk,
  region?: string,
  counter?: ThrottleCounter,
  clock: PacingClock = REAL_CLOCK,
): ECSClient {
  const client = new sdk.ECSClient({ region, maxAttempts: MAX_ATTEMPTS, retryStrategy: clockedRetryStrategy(MAX_ATTEMPTS, clock) });
  if (counter) {
    // inside the retry middleware (finalizeRequest, high priority) and outside deserialization, so
    // that every attempt's parsed error passes here, including those a retry later hides
    client.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          if (isThrottling(error)) counter.throttled++;
          throw error;
        }
      },
      { step: "finalizeRequest", priority: "low", name: "countThrottledCalls" },
    );
  }
  return client;
}

/** ECS answers a throttled call with ThrottlingException (HTTP 400); 429 covers the generic case. */
function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "ThrottlingException" || e?.$metadata?.httpStatusCode === 429;
}
