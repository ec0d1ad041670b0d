import assert from "assert";
import type { Service } from "@aws-sdk/client-ecs";
import { formatSurge, readSurge, SURGE_TAG, surgeTag } from "../../handler/surgeTag";
import { serviceArn } from "./fixtures";

// ECS's tag value pattern from the official model (TagValue), anchored as AWS validates it.
const ECS_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const WEB: Service = { serviceArn: serviceArn("web"), createdAt: new Date("2026-01-01T00:00:00.000Z") };
const withTag = (service: Service, value: string): Service => ({ ...service, tags: [{ key: SURGE_TAG, value }] });

describe("surgeTag", () => {
  const surge = { from: 2, to: 3, startedAt: new Date("2026-11-28T07:16:09.252Z") };

  it("formats as `from=2 to=3 at=ISO proof=HEX`, which ECS's tag value pattern and 256-character limit accept", () => {
    const value = formatSurge(surge, WEB);
    assert.match(value, /^from=2 to=3 at=2026-11-28T07:16:09\.252Z proof=[0-9a-f]{16}$/);
    assert.match(value, ECS_TAG_VALUE);
    assert.ok(value.length <= 256);
    assert.match(SURGE_TAG, ECS_TAG_VALUE);
    // the largest counts the reader accepts still fit
    assert.ok(formatSurge({ from: 9_999_999_999, to: 9_999_999_999, startedAt: surge.startedAt }, WEB).length <= 256);
  });

  it("round-trips on the same service: what is written is read back unchanged", () => {
    assert.deepStrictEqual(readSurge({ ...WEB, tags: [surgeTag(surge, WEB)] }), surge);
  });

  const ids = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210", "00000000000000000000000000000001", "a"];
  it("with the tasks the moves give up (`give=ID+ID`, at most 4 task IDs): in ECS's pattern and length, round-trips, and the proof covers it", () => {
    const withGive = { ...surge, give: ids };
    const value = formatSurge(withGive, WEB);
    assert.match(
      value,
      / give=0123456789abcdef0123456789abcdef\+fedcba9876543210fedcba9876543210\+00000000000000000000000000000001\+a proof=/,
    );
    assert.match(value, ECS_TAG_VALUE);
    assert.ok(value.length <= 256, `${value.length} characters`);
    assert.deepStrictEqual(readSurge(withTag(WEB, value)), withGive);
    // another task named after writing: the proof no longer matches
    const edited = value.replace("give=0123", "give=9123");
    assert.match((readSurge(withTag(WEB, edited)) as { problem: string }).problem, /proof does not match/);
  });

  it("task IDs too long for 256 characters: written without `give` (the completion then chooses by the spread)", () => {
    const long = Array.from({ length: 4 }, (_, i) => `${i}`.repeat(64));
    const value = formatSurge({ ...surge, give: long }, WEB);
    assert.ok(value.length <= 256);
    assert.deepStrictEqual(readSurge(withTag(WEB, value)), surge);
  });

  it("reads the same whether createdAt is the SDK's Date, the CLI's ISO string or the wire's epoch seconds", () => {
    const value = formatSurge(surge, WEB);
    const asString = { ...WEB, createdAt: "2026-01-01T00:00:00.000Z" } as unknown as Service;
    const asSeconds = { ...WEB, createdAt: Date.UTC(2026, 0, 1) / 1000 } as unknown as Service;
    assert.deepStrictEqual(readSurge(withTag(asString, value)), surge);
    assert.deepStrictEqual(readSurge(withTag(asSeconds, value)), surge);
  });

  const notOurs: Array<[string, Service, string, RegExp]> = [
    ["the old `from=2;to=3;at=…` format (with a character ECS rejects)", WEB, "from=2;to=3;at=2026-11-28T07:16:09.252Z", /not in the form/],
    ["the fields alone, hand-written with no proof", WEB, "from=2 to=3 at=2026-11-28T07:16:09.252Z", /not in the form/],
    ["a proof of the wrong length", WEB, `${formatSurge(surge, WEB)}0`, /proof does not match/],
    [
      "another service's tag copied onto this one",
      { ...WEB, serviceArn: serviceArn("api") },
      formatSurge(surge, WEB),
      /proof does not match/,
    ],
    [
      "a tag left from an earlier service of the same name (another createdAt)",
      { ...WEB, createdAt: new Date("2026-06-01T00:00:00.000Z") },
      formatSurge(surge, WEB),
      /proof does not match/,
    ],
    ["a field changed after writing (from 2 → 0)", WEB, formatSurge(surge, WEB).replace("from=2", "from=0"), /proof does not match/],
    [
      "counts too long to be ours",
      WEB,
      "from=12345678901 to=12345678902 at=2026-11-28T07:16:09.252Z proof=0123456789abcdef",
      /not in the form/,
    ],
  ];
  for (const [name, service, value, problem] of notOurs) {
    it(`${name} → not ours, with the reason`, () => {
      const read = readSurge(withTag(service, value));
      assert.ok(read && "problem" in read, `expected a problem, got ${JSON.stringify(read)}`);
      assert.match(read.problem, problem);
    });
  }
});
