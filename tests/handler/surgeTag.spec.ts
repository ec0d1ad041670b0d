import assert from "assert";
import type { Service } from "@aws-sdk/client-ecs";
import { formatSurge, readSurge, SURGE_TAG, surgeTag } from "../../handler/surgeTag";

// ECS's tag value pattern from the official model (TagValue), anchored as AWS validates it.
const ECS_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const withTag = (value: string): Service => ({ tags: [{ key: SURGE_TAG, value }] });

describe("surgeTag", () => {
  const surge = { from: 2, to: 3, startedAt: new Date("2026-11-28T07:16:09.252Z") };

  it("formats as `from=2 to=3 at=ISO`, which ECS's tag value pattern and 256-character limit accept", () => {
    const value = formatSurge(surge);
    assert.strictEqual(value, "from=2 to=3 at=2026-11-28T07:16:09.252Z");
    assert.match(value, ECS_TAG_VALUE);
    assert.ok(value.length <= 256);
    assert.match(SURGE_TAG, ECS_TAG_VALUE);
  });

  it("round-trips: what is written is read back unchanged", () => {
    assert.deepStrictEqual(readSurge({ tags: [surgeTag(surge)] }), surge);
  });

  it("the old `from=2;to=3;at=…` format (with a character ECS rejects) reads as malformed", () => {
    assert.strictEqual(readSurge(withTag("from=2;to=3;at=2026-11-28T07:16:09.252Z")), "malformed");
  });
});
