import type { ClusterIdentity } from "./clusterIdentity";

/**
 * The rebalancer's IAM policy: exactly the calls the engine's EcsPort makes, on the watched clusters
 * only. No iam:PassRole and no ecs:RegisterTaskDefinition, because the engine never registers a task
 * definition. Actions with no resource type take "*" with the ecs:cluster condition instead.
 */
export function rebalancerPolicy(clusters: ClusterIdentity[], logGroupArn: string, deadLetterQueueArn: string) {
  const arnsOf = (kind: string) => clusters.map((c) => `arn:${c.partition}:ecs:${c.region}:${c.account}:${kind}/${c.name}/*`);
  const clusterArns = clusters.map((c) => c.arn);
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "ListInstances", Effect: "Allow", Action: ["ecs:ListContainerInstances"], Resource: clusterArns },
      {
        Sid: "ListServicesAndTasks",
        Effect: "Allow",
        Action: ["ecs:ListServices", "ecs:ListTasks"],
        Resource: "*",
        Condition: { ArnEquals: { "ecs:cluster": clusterArns } },
      },
      { Sid: "DescribeInstances", Effect: "Allow", Action: ["ecs:DescribeContainerInstances"], Resource: arnsOf("container-instance") },
      {
        Sid: "ReadAndResizeServices",
        Effect: "Allow",
        // ListServiceDeployments is authorized on the service ARN (developer guide, service deployment permissions)
        Action: ["ecs:DescribeServices", "ecs:ListServiceDeployments", "ecs:UpdateService", "ecs:TagResource", "ecs:UntagResource"],
        Resource: arnsOf("service"),
      },
      // UpdateTaskProtection: the tasks a surge keeps are scale-in protected while the count is restored
      {
        Sid: "ReadStopAndProtectTasks",
        Effect: "Allow",
        Action: ["ecs:DescribeTasks", "ecs:StopTask", "ecs:UpdateTaskProtection"],
        Resource: arnsOf("task"),
      },
      // DescribeTaskDefinition supports no resource-level permission
      { Sid: "ReadTaskDefinitions", Effect: "Allow", Action: ["ecs:DescribeTaskDefinition"], Resource: "*" },
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` },
      { Sid: "DeadLetters", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: deadLetterQueueArn },
    ],
  };
}
