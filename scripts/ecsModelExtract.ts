/**
 * The extraction itself (pure, so a spec can run it): the official model in, the extract out.
 * SERVED_OPERATIONS is the one list to extend when the simulator serves a new operation.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { compilePattern } from "../simulator/contract/pattern";

/** Every operation the simulator serves, and those being added beside it (issue 11). */
export const SERVED_OPERATIONS = [
  "CreateCluster",
  "DescribeClusters",
  "ListClusters",
  "RegisterTaskDefinition",
  "DescribeTaskDefinition",
  "DeregisterTaskDefinition",
  "ListTaskDefinitions",
  "CreateService",
  "UpdateService",
  "DeleteService",
  "DescribeServices",
  "ListServices",
  "ListTasks",
  "DescribeTasks",
  "StopTask",
  "ListContainerInstances",
  "DescribeContainerInstances",
  "UpdateContainerInstancesState",
  "DeregisterContainerInstance",
  "TagResource",
  "UntagResource",
  "ListTagsForResource",
  "ListServiceDeployments",
  "DescribeServiceDeployments",
  "UpdateTaskProtection",
  "GetTaskProtection",
  "DescribeCapacityProviders",
] as const;

/** The traits of a shape the simulator checks; documentation and SDK-only hints are left out. */
const SHAPE_TRAITS = ["type", "required", "enum", "pattern", "min", "max", "member", "key", "value", "document"] as const;
/** Traits that constrain no value (documentation, SDK hints); any other trait stops the extract. */
const IGNORED_TRAITS = [
  "members",
  "documentation",
  "exception",
  "fault",
  "box",
  "sensitive",
  "deprecated",
  "deprecatedMessage",
  "deprecatedSince",
];

type ModelShape = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Model {
  metadata: Record<string, string>;
  operations: Record<string, { input?: { shape: string }; output?: { shape: string }; errors?: Array<{ shape: string }> }>;
  shapes: Record<string, ModelShape>;
}

export interface Provenance {
  source: string;
  botocoreCommit: string;
  modelLastUpdated: string;
  sha256: string;
  licence: string;
}

/** Where the model came from, read from the README and licence beside it, never typed here. */
export function readProvenance(modelPath: string): Provenance {
  const dir = path.dirname(modelPath);
  const readme = fs.existsSync(path.join(dir, "README.md")) ? fs.readFileSync(path.join(dir, "README.md"), "utf8") : "";
  const commit = /botocore\s+commit\s+([0-9a-f]{40})/.exec(readme)?.[1];
  const updated = /last\s+updated\s+on\s+(\d{4}-\d\d-\d\d)/.exec(readme)?.[1];
  if (!commit || !updated) throw new Error(`${path.join(dir, "README.md")} must name the botocore commit and "last updated on YYYY-MM-DD"`);
  const licenceFile = fs.readdirSync(dir).find((f) => /^LICENSE/i.test(f));
  if (!licenceFile) throw new Error(`no LICENSE file beside ${modelPath}`);
  const licenceText = fs.readFileSync(path.join(dir, licenceFile), "utf8");
  const licence = /Apache License[\s\S]{0,40}Version 2\.0/.test(licenceText) ? "Apache-2.0" : "see licence file";
  return {
    source: "boto/botocore botocore/data/ecs/2014-11-13/service-2.json",
    botocoreCommit: commit,
    modelLastUpdated: updated,
    sha256: crypto.createHash("sha256").update(fs.readFileSync(modelPath)).digest("hex"),
    licence: `${licence} (botocore, ${licenceFile} beside the model)`,
  };
}

export function buildExtract(model: Model, provenance: Provenance) {
  const operations: Record<string, { input?: string; output?: string; errors: string[] }> = {};
  const reached = new Set<string>();
  for (const name of SERVED_OPERATIONS) {
    const operation = model.operations[name];
    if (!operation) throw new Error(`operation ${name} is not in the model`);
    operations[name] = {
      input: operation.input?.shape,
      output: operation.output?.shape,
      errors: (operation.errors ?? []).map((e) => e.shape).sort(),
    };
    for (const root of [operation.input?.shape, operation.output?.shape]) if (root) reach(model, root, reached);
  }
  const shapes: Record<string, ModelShape> = {};
  for (const name of [...reached].sort()) shapes[name] = pickTraits(name, model.shapes[name]);
  return {
    provenance: {
      ...provenance,
      apiVersion: model.metadata.apiVersion,
      targetPrefix: model.metadata.targetPrefix,
      generatedBy: "scripts/extractEcsModel.ts (npm run model:extract)",
      patterns:
        "as in the model, which omits the anchors: AWS checks the whole value, so they are compiled as ^(?:pattern)$ with the u flag",
    },
    operations,
    shapes,
  };
}

/** Collects a shape and every shape its members, list members and map keys and values reach. */
function reach(model: Model, name: string, seen: Set<string>): void {
  if (seen.has(name)) return;
  const shape = model.shapes[name];
  if (!shape) throw new Error(`shape ${name} is referenced but not defined in the model`);
  seen.add(name);
  for (const member of Object.values<{ shape: string }>(shape.members ?? {})) reach(model, member.shape, seen);
  for (const ref of [shape.member, shape.key, shape.value]) if (ref) reach(model, ref.shape, seen);
}

function pickTraits(name: string, shape: ModelShape): ModelShape {
  const unknown = Object.keys(shape).filter((t) => !(SHAPE_TRAITS as readonly string[]).includes(t) && !IGNORED_TRAITS.includes(t));
  if (unknown.length > 0)
    throw new Error(`shape ${name} has trait(s) ${unknown.join(", ")} the extract does not know: teach the script and the shape check`);
  const out: ModelShape = {};
  for (const trait of SHAPE_TRAITS) {
    if (shape[trait] === undefined) continue;
    out[trait] = ["member", "key", "value"].includes(trait) ? shape[trait].shape : shape[trait];
  }
  if (shape.members) {
    out.members = Object.fromEntries(Object.entries<{ shape: string }>(shape.members).map(([m, ref]) => [m, ref.shape]));
  }
  if (shape.pattern !== undefined) compilePattern(shape.pattern, name); // a pattern JS cannot compile stops the extract here
  return out;
}
