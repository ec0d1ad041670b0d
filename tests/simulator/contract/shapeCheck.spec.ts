import { strict as assert } from "node:assert";
import { checkShape, type ShapeTable } from "../../../simulator/contract/shapeCheck";
import { requestViolations, responseViolations } from "../../../simulator/contract/ecsContract";

/** A small table of shapes in the extract's form, so each rule is tested in isolation. */
const SHAPES: ShapeTable = {
  Request: {
    type: "structure",
    required: ["name"],
    members: {
      name: "Name",
      count: "Count",
      tags: "Tags",
      status: "Status",
      at: "Stamp",
      big: "Long",
      on: "Flag",
      labels: "Labels",
      details: "Details",
    },
  },
  Details: { type: "structure", document: true, members: {} },
  Name: { type: "string", min: 1, max: 5 },
  Count: { type: "integer", min: 0, max: 10 },
  Tags: { type: "list", member: "Tag", max: 2 },
  Tag: { type: "structure", required: ["key"], members: { key: "Key", value: "Value" } },
  Key: { type: "string", min: 1, max: 128, pattern: "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)" },
  Value: { type: "string", max: 256, pattern: "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)" },
  Status: { type: "string", enum: ["ACTIVE", "DRAINING"] },
  Stamp: { type: "timestamp" },
  Long: { type: "long" },
  Flag: { type: "boolean" },
  Labels: { type: "map", key: "Name", value: "Name", max: 1 },
};

const check = (value: unknown) => checkShape(SHAPES, "Request", value).map((v) => v.message);

describe("simulator/contract: a value against a model shape", () => {
  const cases: Array<[string, unknown, RegExp | null]> = [
    [
      "a valid request has no violation",
      { name: "web", count: 3, tags: [{ key: "a", value: "b c" }], status: "ACTIVE", at: 1.5, big: 2 ** 40, on: true, labels: { a: "b" } },
      null,
    ],
    ["a missing required member is named", { count: 1 }, /Value null at 'name' failed to satisfy constraint: Member must not be null/],
    ["an unknown member is named", { name: "web", colour: "red" }, /Member 'colour' at '\(body\)' is not defined in the ECS model/],
    [
      "an unknown member in a list element is named with AWS's 1-based path",
      { name: "web", tags: [{ key: "a", extra: 1 }] },
      /Member 'extra' at 'tags\.1\.member'/,
    ],
    [
      "a string where an integer belongs",
      { name: "web", count: "3" },
      /at 'count' failed to satisfy constraint: Member must be a number \(integer\)/,
    ],
    ["a fraction where an integer belongs", { name: "web", count: 1.5 }, /Member must be a 32-bit integer/],
    ["an integer above the model's max", { name: "web", count: 11 }, /Member must have value less than or equal to 10/],
    ["an integer below the model's min", { name: "web", count: -1 }, /Member must have value greater than or equal to 0/],
    [
      "a string longer than max",
      { name: "webapp" },
      /at 'name' failed to satisfy constraint: Member must have length less than or equal to 5/,
    ],
    ["a string shorter than min", { name: "" }, /Member must have length greater than or equal to 1/],
    ["a value outside the enum", { name: "web", status: "active" }, /Member must satisfy enum value set: \[ACTIVE, DRAINING\]/],
    [
      "a tag value with a semicolon fails the anchored pattern",
      { name: "web", tags: [{ key: "k", value: "from=2;to=3" }] },
      /Value 'from=2;to=3' at 'tags\.1\.member\.value' failed to satisfy constraint: Member must satisfy regular expression pattern: \^\(\[/,
    ],
    [
      "a list longer than max",
      { name: "web", tags: [{ key: "a" }, { key: "b" }, { key: "c" }] },
      /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2/,
    ],
    [
      "a timestamp as an ISO string (the event form, not the API's epoch seconds)",
      { name: "web", at: "2026-01-01T00:00:00Z" },
      /Member must be a timestamp in epoch seconds/,
    ],
    ["null is not a value", { name: "web", status: null }, /Value null at 'status' failed to satisfy constraint: Member must be a string/],
    ["a boolean as a string", { name: "web", on: "true" }, /Member must be a boolean/],
    [
      "a map with too many entries",
      { name: "web", labels: { a: "b", c: "d" } },
      /at 'labels' failed to satisfy constraint: Member must have length less than or equal to 1/,
    ],
    [
      "a map value too long",
      { name: "web", labels: { a: "toolong" } },
      /at 'labels\.a' failed to satisfy constraint: Member must have length less than or equal to 5/,
    ],
    ["a list where a structure belongs", [], /Member must be a structure/],
    ["a document member takes any JSON (the model's document trait)", { name: "web", details: { any: ["thing", 1] } }, null],
  ];
  for (const [rule, value, expected] of cases) {
    it(rule, () => {
      const messages = check(value);
      if (expected === null) assert.deepEqual(messages, []);
      else
        assert.ok(
          messages.some((m) => expected.test(m)),
          messages.join("\n") || "no violation",
        );
    });
  }

  it("an undefined member counts as absent (JSON drops it)", () => {
    assert.deepEqual(check({ name: "web", count: undefined }), []);
  });

  it("length counts characters, not UTF-16 code units: five emoji fit in max 5", () => {
    assert.deepEqual(check({ name: "😀😀😀😀😀" }), []);
  });
});

describe("simulator/contract: requests and responses against the official extract", () => {
  it("TagResource with the old surge tag value is a violation at tags.1.member.value", () => {
    const violations = requestViolations("TagResource", {
      resourceArn: "arn:aws:ecs:us-east-1:123456789012:service/c/web",
      tags: [{ key: "ecs-rebalancer:surge", value: "from=2;to=3;at=2026-11-28T07:16:09.252Z" }],
    });
    assert.deepEqual(
      violations.map((v) => v.at),
      ["tags.1.member.value"],
    );
  });

  it("a ContainerInstance response with clusterArn or updatedAt is a violation (the model has neither)", () => {
    const violations = responseViolations("DescribeContainerInstances", {
      containerInstances: [{ containerInstanceArn: "arn", clusterArn: "arn", updatedAt: 1 }],
      failures: [],
    });
    assert.deepEqual(violations.map((v) => v.at).sort(), [
      "containerInstances.1.member.clusterArn",
      "containerInstances.1.member.updatedAt",
    ]);
  });

  it("a task definition response with tags inside taskDefinition is a violation", () => {
    const violations = responseViolations("DescribeTaskDefinition", { taskDefinition: { family: "web", tags: [] } });
    assert.deepEqual(
      violations.map((v) => v.at),
      ["taskDefinition.tags"],
    );
  });

  it("an operation outside the extract is reported, not silently accepted", () => {
    assert.match(requestViolations("RunTask", {})[0].message, /RunTask is not in the model extract/);
  });
});
