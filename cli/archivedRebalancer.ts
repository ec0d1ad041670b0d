import { buildLambdaArchive, LambdaArchive, loadArchivedHandler } from "./lambdaArchive";
import { RebalancerFactory } from "./simulation";

/**
 * The rebalancer exactly as deployed: the serialized Lambda archive, loaded where only the SDK
 * resolves, with the environment the component sets, talking to the simulator through
 * AWS_ENDPOINT_URL_ECS, on the simulation's clock (its sleeps are virtual). Each factory call is a cold start.
 */
export async function archivedRebalancer(
  archive?: LambdaArchive,
  extraEnv: Record<string, string> = {},
  output?: (line: string) => void,
): Promise<RebalancerFactory> {
  const built = archive ?? (await buildLambdaArchive());
  return ({ endpoint, clusterArn, runtime }) =>
    loadArchivedHandler(
      built.indexJs,
      {
        AWS_ENDPOINT_URL_ECS: endpoint,
        AWS_REGION: clusterArn.split(":")[3],
        AWS_ACCESS_KEY_ID: "simulator",
        AWS_SECRET_ACCESS_KEY: "simulator",
        REBALANCER_WATCHED_CLUSTERS: clusterArn,
        REBALANCER_LOG_LEVEL: "error",
        ...extraEnv,
      },
      output,
      runtime,
    );
}
