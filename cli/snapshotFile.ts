import * as fs from "fs";
import { Snapshot } from "../handler/snapshot";
import { dedupeSnapshot } from "../handler/snapshotDedupe";
import { snapshotProblem } from "../handler/snapshotValidation";
import { CliError } from "./cliError";

/**
 * Reads a snapshot file: `{ clusterArn, containerInstances, services, tasks, taskDefinitions }`,
 * each element as the ECS API returns it (the AWS CLI's JSON works as it is). Checks every field the
 * engine reads (handler/snapshotValidation.ts) and names the first thing wrong; an entry listed twice
 * is kept once (handler/snapshotDedupe.ts).
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
  return dedupeSnapshot(value as Snapshot).snapshot;
}
