import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { DEFAULT_MODEL, DEFAULT_OUT, renderExtract } from "../../scripts/extractEcsModel";
import { buildExtract, SERVED_OPERATIONS, type Provenance } from "../../scripts/ecsModelExtract";
import { servedOperations } from "../../simulator/api";
import { coveredOperations, MODEL_PROVENANCE } from "../../simulator/contract/ecsContract";

const PROVENANCE: Provenance = {
  source: "test",
  botocoreCommit: "0".repeat(40),
  modelLastUpdated: "2026-01-01",
  sha256: "x",
  licence: "Apache-2.0",
};

/** A two-operation model in botocore's form, for the extraction rules. */
function tinyModel(pattern = "[a-z]+") {
  const operations: Record<string, unknown> = {};
  for (const name of SERVED_OPERATIONS)
    operations[name] = { input: { shape: "Req" }, output: { shape: "Res" }, errors: [{ shape: "ClientException" }] };
  return {
    metadata: { apiVersion: "2014-11-13", targetPrefix: "X" },
    operations: { ...operations, RunTask: { input: { shape: "Unused" } } },
    shapes: {
      Req: {
        type: "structure",
        required: ["name"],
        members: { name: { shape: "Name", documentation: "<p>doc</p>" }, tags: { shape: "Tags" } },
        documentation: "<p>doc</p>",
      },
      Res: { type: "structure", members: {} },
      Name: { type: "string", pattern, min: 1, max: 8, sensitive: true },
      Tags: { type: "list", member: { shape: "Name" }, max: 50 },
      Unused: { type: "structure", members: {} },
      ClientException: { type: "structure", members: {}, exception: true },
    },
  };
}

describe("scripts/extractEcsModel: the committed extract of the official ECS model", () => {
  const hasModel = fs.existsSync(DEFAULT_MODEL);

  it("the committed extract is exactly what the script writes from ../shared/aws-models (nothing hand-edited)", function () {
    if (!hasModel) this.skip(); // the model copy lives outside the repository
    assert.equal(fs.readFileSync(DEFAULT_OUT, "utf8"), renderExtract(DEFAULT_MODEL));
  });

  it("every operation the simulator serves is covered by the extract", () => {
    const uncovered = servedOperations().filter((op) => !coveredOperations().includes(op));
    assert.deepEqual(uncovered, [], `run npm run model:extract after adding ${uncovered.join(", ")} to SERVED_OPERATIONS`);
  });

  it("the operations being added beside this work (service deployments, task protection, capacity providers) are covered", () => {
    for (const op of [
      "ListServiceDeployments",
      "DescribeServiceDeployments",
      "UpdateTaskProtection",
      "GetTaskProtection",
      "DescribeCapacityProviders",
    ]) {
      assert.ok(coveredOperations().includes(op), op);
    }
  });

  it("the extract names its source, botocore commit, model date, checksum and licence", () => {
    assert.match(MODEL_PROVENANCE.botocoreCommit, /^[0-9a-f]{40}$/);
    assert.match(MODEL_PROVENANCE.modelLastUpdated, /^\d{4}-\d\d-\d\d$/);
    assert.match(MODEL_PROVENANCE.sha256, /^[0-9a-f]{64}$/);
    assert.match(MODEL_PROVENANCE.licence, /^Apache-2\.0/);
    assert.match(MODEL_PROVENANCE.source, /botocore\/data\/ecs\/2014-11-13\/service-2\.json/);
  });

  it("keeps only the served operations, the shapes they reach, and the traits that constrain values", () => {
    const extract = buildExtract(tinyModel() as never, PROVENANCE);
    assert.equal(extract.operations.RunTask, undefined);
    assert.deepEqual(Object.keys(extract.shapes), ["Name", "Req", "Res", "Tags"]);
    assert.deepEqual(extract.shapes.Name, { type: "string", pattern: "[a-z]+", min: 1, max: 8 });
    assert.deepEqual(extract.shapes.Req, { type: "structure", required: ["name"], members: { name: "Name", tags: "Tags" } });
    assert.deepEqual(extract.shapes.Tags, { type: "list", member: "Name", max: 50 });
    assert.deepEqual(extract.operations.TagResource, { input: "Req", output: "Res", errors: ["ClientException"] });
  });

  it("a model pattern JavaScript cannot compile stops the extract, naming the shape", () => {
    assert.throws(() => buildExtract(tinyModel("a*+") as never, PROVENANCE), /shape Name: pattern "a\*\+" cannot be compiled/);
  });

  it("a trait the extract does not know (a new constraint in a later model) stops it, naming the shape", () => {
    const model = tinyModel();
    (model.shapes.Name as Record<string, unknown>).union = true;
    assert.throws(() => buildExtract(model as never, PROVENANCE), /shape Name has trait\(s\) union the extract does not know/);
  });

  it("a served operation missing from the model stops the extract", () => {
    const model = tinyModel();
    delete (model.operations as Record<string, unknown>).StopTask;
    assert.throws(() => buildExtract(model as never, PROVENANCE), /operation StopTask is not in the model/);
  });
});
