import * as fs from "fs";
import { Snapshot } from "../handler/snapshot";
import { CliError } from "./cliError";

/**
 * Reads a snapshot file: `{ clusterArn, containerInstances, services, tasks, taskDefinitions }`,
 * each element as the ECS API returns it (the AWS CLI's JSON works as it is). Checks only what the
 * planner relies on, and names the first thing wrong.
 */
export function readSnapshotFile(file: string): Snapshot {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`snapshot file "${file}": ${code === "ENOENT" ? "no such file" : `cannot be read (${code})`}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`snapshot file "${file}": invalid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  const problem = snapshotProblem(value);
  if (problem) throw new CliError(`snapshot file "${file}": ${problem}`);
  return value as Snapshot;
}

const REQUIRED_FIELDS: Record<string, string[]> = {
  containerInstances: ["containerInstanceArn", "status"],
  services: ["serviceArn", "serviceName"],
  tasks: ["taskArn"],
  taskDefinitions: ["taskDefinitionArn"],
};

export function snapshotProblem(value: unknown): string | undefined {
  if (!isObject(value)) return "expected a JSON object with clusterArn, containerInstances, services, tasks and taskDefinitions";
  if (typeof value.clusterArn !== "string") return "clusterArn is missing or not a string";
  for (const [list, fields] of Object.entries(REQUIRED_FIELDS)) {
    const items = value[list];
    if (!Array.isArray(items)) return `${list} is missing or not a list`;
    for (let i = 0; i < items.length; i++) {
      if (!isObject(items[i])) return `${list}[${i}] is not an object`;
      const missing = fields.find((f) => typeof (items[i] as Record<string, unknown>)[f] !== "string");
      if (missing) return `${list}[${i}].${missing} is missing or not a string`;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
