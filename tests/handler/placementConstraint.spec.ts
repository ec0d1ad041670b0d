import * as assert from "assert";
import type { ContainerInstance, PlacementConstraint } from "@aws-sdk/client-ecs";
import { compileConstraints, compileExpression } from "../../handler/placementConstraint";

function instance(attributes: Record<string, string | undefined>): ContainerInstance {
  return { containerInstanceArn: "i", attributes: Object.entries(attributes).map(([name, value]) => ({ name, value })) };
}

const small = instance({ "ecs.instance-type": "t3.small", "ecs.availability-zone": "us-east-1a", tier: "web", gpu: undefined });
const large = instance({ "ecs.instance-type": "m5.large", "ecs.availability-zone": "us-east-1b", tier: "batch" });

describe("placementConstraint: memberOf expressions", () => {
  // expression → [matches small, matches large], or "unsupported"
  const cases: Array<[string, [boolean, boolean] | "unsupported"]> = [
    ["attribute:ecs.instance-type == t3.small", [true, false]],
    ["attribute:ecs.instance-type != t3.small", [false, true]],
    ["attribute:ecs.instance-type =~ t3.*", [true, false]],
    ["attribute:ecs.instance-type !~ t3.*", [false, true]],
    ["attribute:ecs.instance-type =~ *.large", [false, true]],
    ["attribute:ecs.availability-zone in [us-east-1a, us-east-1c]", [true, false]],
    ["attribute:ecs.availability-zone not in [us-east-1a, us-east-1c]", [false, true]],
    ["attribute:gpu exists", [true, false]],
    ["attribute:tier == web and attribute:ecs.instance-type =~ t3.*", [true, false]],
    ["attribute:tier == web && attribute:ecs.availability-zone == us-east-1b", [false, false]],
    ["attribute:missing == x", [false, false]],
    ["attribute:missing != x", [true, true]],
    ["attribute:tier == web or attribute:tier == batch", "unsupported"],
    ["attribute:tier == web || attribute:tier == batch", "unsupported"],
    ["(attribute:tier == web)", "unsupported"],
    ["task:group == service:db", "unsupported"],
    ["ec2InstanceId in ['i-1']", "unsupported"],
    ["attribute:tier in web", "unsupported"],
    ["attribute:gpu exists true", "unsupported"],
    ["attribute:tier", "unsupported"],
  ];
  for (const [expression, expected] of cases) {
    const label = expected === "unsupported" ? "not evaluable" : `small ${expected[0]}, large ${expected[1]}`;
    it(`${expression} → ${label}`, () => {
      const predicate = compileExpression(expression);
      if (expected === "unsupported") assert.strictEqual(predicate, undefined);
      else assert.deepStrictEqual([predicate!(small), predicate!(large)], expected);
    });
  }
});

describe("placementConstraint: compileConstraints", () => {
  const cases: Array<[string, PlacementConstraint[], [boolean, boolean] | string]> = [
    ["no constraints → every instance", [], [true, true]],
    ["distinctInstance alone → every instance (it caps capacity instead)", [{ type: "distinctInstance" }], [true, true]],
    [
      "two memberOf → both must hold",
      [
        { type: "memberOf", expression: "attribute:tier == web" },
        { type: "memberOf", expression: "attribute:ecs.instance-type =~ m5.*" },
      ],
      [false, false],
    ],
    ["memberOf without an expression → unsupported", [{ type: "memberOf" }], "memberOf"],
    ["an unsupported expression → unsupported, naming it", [{ type: "memberOf", expression: "task:group == x" }], "task:group == x"],
  ];
  for (const [name, constraints, expected] of cases) {
    it(name, () => {
      const compiled = compileConstraints(constraints);
      if (typeof expected === "string") {
        assert.ok(typeof compiled !== "function");
        if (typeof compiled !== "function") assert.strictEqual(compiled.unsupported, expected);
      } else {
        assert.ok(typeof compiled === "function");
        if (typeof compiled === "function") assert.deepStrictEqual([compiled(small), compiled(large)], expected);
      }
    });
  }
});
