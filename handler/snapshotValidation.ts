/**
 * Every field of a snapshot the engine reads, checked where the snapshot is read (the ECS API or a
 * file), so that a wrong type is one line naming its path (`services[3].deployments: expected a
 * list, got 7`) instead of a TypeError deep in the planner. Fields the engine does not read are not
 * checked: ECS adds fields, and the AWS CLI's output must work as it is.
 *
 * Hand-written rather than a schema library: these ~60 fields cost a few lines each, the walk over
 * 100,000 tasks stays within the planning budget, and the Lambda carries no extra dependency.
 */
import { boundedText } from "./boundedText";

/** A field's rule: a scalar kind, a list of one rule, or an object whose listed fields follow theirs. */
type Schema = Scalar | { list: Schema } | { fields: Record<string, Schema>; required?: string[] };
type Scalar = "string" | "shortString" | "boolean" | "count" | "integer" | "numericString" | "time";

// Plain data and one walker (below): the Lambda archive serializes data compactly, where a closure
// per rule would each carry its own serialized scope.
const EXPECTED: Record<Scalar, string> = {
  string: "a string",
  // ECS limits attribute names and values to 128 characters; the bound also bounds `=~` matching
  shortString: "a string of at most 128 characters",
  boolean: "true or false",
  count: "an integer >= 0",
  integer: "an integer",
  // task-level cpu and memory are strings in the API ("256")
  numericString: "a number as a string",
  // the SDK's Date, the AWS CLI's ISO string, or the wire protocol's epoch seconds
  time: "a timestamp",
};

/**
 * The schema, returned by a function: the Lambda archive then carries this source text (about
 * 2 KB) rather than the object graph serialized variable by variable (about 14 KB).
 */
function snapshotSchema(): Schema {
  const tag: Schema = { fields: { key: "string", value: "string" } };
  const placementConstraint: Schema = { fields: { type: "string", expression: "string" } };
  const counts = { desiredCount: "count", runningCount: "count", pendingCount: "count" } as const;
  return {
    required: ["clusterArn", "containerInstances", "services", "tasks", "taskDefinitions"],
    fields: {
      clusterArn: "string",
      containerInstances: {
        list: {
          required: ["containerInstanceArn", "status"],
          fields: {
            containerInstanceArn: "string",
            ec2InstanceId: "string",
            status: "string",
            agentConnected: "boolean",
            version: "integer",
            attributes: { list: { required: ["name"], fields: { name: "shortString", value: "shortString" } } },
            remainingResources: {
              list: { required: ["name"], fields: { name: "string", integerValue: "integer", stringSetValue: { list: "string" } } },
            },
            // the load pass reads CPU and MEMORY registered, for shares of what each instance offers
            registeredResources: {
              list: { required: ["name"], fields: { name: "string", integerValue: "integer", stringSetValue: { list: "string" } } },
            },
          },
        },
      },
      services: {
        list: {
          required: ["serviceArn", "serviceName"],
          fields: {
            serviceArn: "string",
            serviceName: "string",
            clusterArn: "string",
            status: "string",
            ...counts,
            launchType: "string",
            schedulingStrategy: "string",
            taskDefinition: "string",
            createdAt: "time",
            capacityProviderStrategy: { list: { fields: { capacityProvider: "string" } } },
            deploymentController: { fields: { type: "string" } },
            deploymentConfiguration: { fields: { minimumHealthyPercent: "count", maximumPercent: "count" } },
            deployments: { list: { fields: { status: "string", rolloutState: "string", ...counts } } },
            placementStrategy: { list: { fields: { type: "string", field: "string" } } },
            placementConstraints: { list: placementConstraint },
            tags: { list: tag },
          },
        },
      },
      tasks: {
        list: {
          required: ["taskArn"],
          fields: {
            taskArn: "string",
            clusterArn: "string",
            containerInstanceArn: "string",
            group: "string",
            lastStatus: "string",
            desiredStatus: "string",
            healthStatus: "string",
            launchType: "string",
            startedAt: "time",
            version: "integer",
          },
        },
      },
      taskDefinitions: {
        list: {
          required: ["taskDefinitionArn"],
          fields: {
            taskDefinitionArn: "string",
            cpu: "numericString",
            memory: "numericString",
            networkMode: "string",
            placementConstraints: { list: placementConstraint },
            containerDefinitions: {
              list: {
                fields: {
                  cpu: "count",
                  memory: "count",
                  memoryReservation: "count",
                  portMappings: { list: { fields: { containerPort: "count", hostPort: "count", protocol: "string" } } },
                },
              },
            },
          },
        },
      },
    },
  };
}

/** The schema with each object's fields as a list: the walk visits 100,000 tasks' fields in order. */
type Compiled = Scalar | { list: Compiled } | { fields: Array<[string, Compiled]>; required: string[] };

function compile(schema: Schema): Compiled {
  if (typeof schema === "string") return schema;
  if ("list" in schema) return { list: compile(schema.list) };
  return { fields: Object.entries(schema.fields).map(([name, field]) => [name, compile(field)]), required: schema.required ?? [] };
}

/**
 * The walk keeps its position as a stack of names and indexes and writes the path only for the one
 * problem it returns: building "tasks[i].field" for every field read cost a string per field, about
 * a million on 100,000 tasks, most of the walk's time.
 */
function problemOf(schema: Compiled, value: unknown, at: Array<string | number>): string | undefined {
  if (typeof schema === "string")
    return isScalar(schema, value) ? undefined : `${pathOf(at)}: expected ${EXPECTED[schema]}, got ${boundedText(value, 60)}`;
  if ("list" in schema) {
    if (!Array.isArray(value)) return `${pathOf(at)}: expected a list, got ${boundedText(value, 60)}`;
    for (let i = 0; i < value.length; i++) {
      at.push(i);
      const problem = problemOf(schema.list, value[i], at);
      at.pop();
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return `${pathOf(at)}: expected an object, got ${boundedText(value, 60)}`;
  const record = value as Record<string, unknown>;
  for (const name of schema.required) if (record[name] === undefined) return `${pathOf([...at, name])}: missing`;
  for (const [name, field] of schema.fields) {
    const item = record[name];
    if (item === undefined) continue;
    at.push(name);
    const problem = problemOf(field, item, at);
    at.pop();
    if (problem) return problem;
  }
  return undefined;
}

/** ["snapshot", "tasks", 3, "group"] → "snapshot.tasks[3].group" */
function pathOf(at: Array<string | number>): string {
  return at.map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? part : `.${part}`)).join("");
}

function isScalar(kind: Scalar, v: unknown): boolean {
  switch (kind) {
    case "string":
      return typeof v === "string";
    case "shortString":
      return typeof v === "string" && v.length <= 128;
    case "boolean":
      return typeof v === "boolean";
    case "count":
      return Number.isSafeInteger(v) && (v as number) >= 0;
    case "integer":
      return Number.isSafeInteger(v);
    case "numericString":
      return typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));
    case "time":
      if (v instanceof Date) return !Number.isNaN(v.getTime());
      return typeof v === "string" ? !Number.isNaN(Date.parse(v)) : typeof v === "number" && Number.isFinite(v);
  }
}

/** The first field of a snapshot the engine cannot use, as "path: expected X, got Y"; undefined when it is sound. */
export function snapshotProblem(value: unknown): string | undefined {
  return problemOf(compile(snapshotSchema()), value, ["snapshot"]);
}
