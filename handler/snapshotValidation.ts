/**
 * Every field of a snapshot the engine reads, checked where the snapshot is read (the ECS API or a
 * file), so that a wrong type is one line naming its path (`services[3].deployments: expected a
 * list, got 7`) instead of a TypeError deep in the planner. Fields the engine does not read are not
 * checked: ECS adds fields, and the AWS CLI's output must work as it is.
 *
 * Hand-written rather than a schema library: these ~60 fields cost a few lines each, the walk over
 * 100,000 tasks stays within the planning budget, and the Lambda carries no extra dependency.
 */
type Rule = (value: unknown, path: string) => string | undefined;

const describe = (value: unknown): string => {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
};
const expect = (what: string, test: (value: unknown) => boolean): Rule => (value, path) =>
  test(value) ? undefined : `${path}: expected ${what}, got ${describe(value)}`;

const str = expect("a string", (v) => typeof v === "string");
/** ECS limits attribute names and values to 128 characters; the bound also bounds `=~` matching. */
const shortStr = expect("a string of at most 128 characters", (v) => typeof v === "string" && v.length <= 128);
const bool = expect("true or false", (v) => typeof v === "boolean");
const count = expect("an integer >= 0", (v) => Number.isSafeInteger(v) && (v as number) >= 0);
const int = expect("an integer", (v) => Number.isSafeInteger(v));
/** Task-level cpu and memory are strings in the API ("256", "0.5 vCPU" is converted by ECS on register). */
const numericString = expect("a number as a string", (v) => typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)));
/** A timestamp: the SDK's Date, the AWS CLI's ISO string, or the wire protocol's epoch seconds. */
const time = expect("a timestamp", (v) =>
  v instanceof Date ? !Number.isNaN(v.getTime()) : typeof v === "string" ? !Number.isNaN(Date.parse(v)) : typeof v === "number" && Number.isFinite(v));

function list(item: Rule): Rule {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path}: expected a list, got ${describe(value)}`;
    for (let i = 0; i < value.length; i++) {
      const problem = item(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };
}

/** An object whose listed fields, when present, follow their rule; `required` fields must be present. */
function shape(fields: Record<string, Rule>, required: string[] = []): Rule {
  const entries = Object.entries(fields);
  return (value, path) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return `${path}: expected an object, got ${describe(value)}`;
    const record = value as Record<string, unknown>;
    for (const name of required) if (record[name] === undefined) return `${path}.${name}: missing`;
    for (const [name, rule] of entries) {
      const field = record[name];
      if (field === undefined) continue;
      const problem = rule(field, `${path}.${name}`);
      if (problem) return problem;
    }
    return undefined;
  };
}

const tag = shape({ key: str, value: str });
const placementConstraint = shape({ type: str, expression: str });
const counts = { desiredCount: count, runningCount: count, pendingCount: count };

const containerInstance = shape(
  {
    containerInstanceArn: str,
    ec2InstanceId: str,
    status: str,
    agentConnected: bool,
    version: int,
    attributes: list(shape({ name: shortStr, value: shortStr }, ["name"])),
    remainingResources: list(shape({ name: str, integerValue: int, stringSetValue: list(str) }, ["name"])),
  },
  ["containerInstanceArn", "status"],
);

const service = shape(
  {
    serviceArn: str,
    serviceName: str,
    clusterArn: str,
    status: str,
    ...counts,
    launchType: str,
    schedulingStrategy: str,
    taskDefinition: str,
    createdAt: time,
    capacityProviderStrategy: list(shape({ capacityProvider: str })),
    deploymentController: shape({ type: str }),
    deploymentConfiguration: shape({ minimumHealthyPercent: count, maximumPercent: count }),
    deployments: list(shape({ status: str, rolloutState: str, ...counts })),
    placementStrategy: list(shape({ type: str, field: str })),
    placementConstraints: list(placementConstraint),
    tags: list(tag),
  },
  ["serviceArn", "serviceName"],
);

const task = shape(
  {
    taskArn: str,
    clusterArn: str,
    containerInstanceArn: str,
    group: str,
    lastStatus: str,
    desiredStatus: str,
    healthStatus: str,
    launchType: str,
    startedAt: time,
    version: int,
  },
  ["taskArn"],
);

const taskDefinition = shape(
  {
    taskDefinitionArn: str,
    cpu: numericString,
    memory: numericString,
    networkMode: str,
    placementConstraints: list(placementConstraint),
    containerDefinitions: list(
      shape({
        cpu: count,
        memory: count,
        memoryReservation: count,
        portMappings: list(shape({ containerPort: count, hostPort: count, protocol: str })),
      }),
    ),
  },
  ["taskDefinitionArn"],
);

const snapshot = shape(
  {
    clusterArn: str,
    containerInstances: list(containerInstance),
    services: list(service),
    tasks: list(task),
    taskDefinitions: list(taskDefinition),
  },
  ["clusterArn", "containerInstances", "services", "tasks", "taskDefinitions"],
);

/** The first field of a snapshot the engine cannot use, as "path: expected X, got Y"; undefined when it is sound. */
export function snapshotProblem(value: unknown): string | undefined {
  return snapshot(value, "snapshot");
}
