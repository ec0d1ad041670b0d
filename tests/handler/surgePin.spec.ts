import assert from "assert";
import type { Service } from "@aws-sdk/client-ecs";
import { MAX_PLACEMENT_CONSTRAINTS, pinConstraint, pinnedConstraints, unpinnedConstraints } from "../../handler/surgePin";
import { formatSurge, readSurge, SURGE_TAG, surgeFits } from "../../handler/surgeTag";
import { serviceArn } from "./fixtures";

const PIN = "i-0123456789abcdef0";
const ZONE_ONLY = { type: "memberOf" as const, expression: "attribute:ecs.availability-zone in [us-east-1a, us-east-1b]" };
const service = (constraints: Service["placementConstraints"]): Service => ({
  serviceArn: serviceArn("web"),
  createdAt: new Date("2026-01-01T00:00:00.000Z"),
  placementConstraints: constraints,
});

describe("surgePin: a load move's started task pinned by a placement constraint", () => {
  it("the pin is `memberOf` with `ec2InstanceId == <id>` (the cluster query language's equals on an EC2 instance ID)", () => {
    assert.deepStrictEqual(pinConstraint(PIN), { type: "memberOf", expression: `ec2InstanceId == ${PIN}` });
  });

  it("is added after the service's own constraints, which stay as they were", () => {
    assert.deepStrictEqual(pinnedConstraints(service([ZONE_ONLY]), PIN), [ZONE_ONLY, pinConstraint(PIN)]);
    assert.deepStrictEqual(pinnedConstraints(service(undefined), PIN), [pinConstraint(PIN)]);
  });

  const refused: Array<[string, Service, string]> = [
    ["one more than ECS's 10 constraints", service(Array.from({ length: MAX_PLACEMENT_CONSTRAINTS }, () => ZONE_ONLY)), PIN],
    ["not an EC2 instance ID (nothing else is written into an expression)", service([]), "i-1 or attribute:x exists"],
    ["an instance ID with capitals", service([]), "i-0123456789ABCDEF0"],
  ];
  for (const [name, svc, id] of refused) {
    it(`is refused: ${name}`, () => assert.strictEqual(pinnedConstraints(svc, id), undefined));
  }

  it("is removed exactly: the first constraint equal to the pin goes, every other stays in order", () => {
    const other = { type: "memberOf" as const, expression: "ec2InstanceId == i-00000000000000001" };
    const pinned = service([ZONE_ONLY, pinConstraint(PIN), other, pinConstraint(PIN)]);
    assert.deepStrictEqual(unpinnedConstraints(pinned, PIN), [ZONE_ONLY, other, pinConstraint(PIN)]);
  });

  it("nothing to remove when the pin is not among the constraints (never applied, or already removed)", () => {
    assert.strictEqual(unpinnedConstraints(service([ZONE_ONLY]), PIN), undefined);
    assert.strictEqual(unpinnedConstraints(service(undefined), PIN), undefined);
  });

  describe("the surge tag records it", () => {
    const surge = { from: 2, to: 3, startedAt: new Date("2026-11-28T07:16:09.252Z"), give: ["0123456789abcdef0123456789abcdef"], pin: PIN };
    const tagged = (value: string): Service => ({ ...service([]), tags: [{ key: SURGE_TAG, value }] });

    it("as `pin=<id>`, round-tripped, within ECS's pattern and 256 characters, covered by the proof", () => {
      const value = formatSurge(surge, service([]));
      assert.match(value, / give=0123456789abcdef0123456789abcdef pin=i-0123456789abcdef0 proof=[0-9a-f]{16}$/);
      assert.match(value, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
      assert.ok(value.length <= 256);
      assert.deepStrictEqual(readSurge(tagged(value)), surge);
      // another instance named after writing: not ours, so never acted on (no constraint is touched)
      const edited = value.replace(`pin=${PIN}`, "pin=i-0123456789abcdef1");
      assert.ok("problem" in readSurge(tagged(edited))!);
    });

    it("fits with four of ECS's 32-character task IDs; where longer IDs leave no room for both, it does not fit (the executor then leaves the surge unpinned)", () => {
      const give = (length: number) => Array.from({ length: 4 }, (_, i) => `${i}`.repeat(length));
      assert.strictEqual(surgeFits({ ...surge, give: give(32) }, service([])), true);
      // 44-character IDs fit without the pin, not with it
      assert.strictEqual(surgeFits({ ...surge, give: give(44), pin: undefined }, service([])), true);
      assert.strictEqual(surgeFits({ ...surge, give: give(44) }, service([])), false);
    });
  });
});
