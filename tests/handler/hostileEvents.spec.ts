import * as assert from "assert";
import { createEventHandler } from "../../handler/lambda";
import { SETTINGS_ENV } from "../../handler/settings";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, instanceArn } from "./fixtures";

/** Values nested `depth` deep: [[[…]]] or {a:{a:…}}, built without recursion. */
function nested(depth: number, kind: "list" | "object"): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = kind === "list" ? [value] : { a: value };
  return value;
}

const base = {
  version: "0",
  id: "e1",
  "detail-type": "ECS Container Instance State Change",
  source: "aws.ecs",
  detail: { clusterArn: CLUSTER_ARN, containerInstanceArn: instanceArn(1), status: "ACTIVE", agentConnected: true, version: 1 },
};
const MEGABYTE = "x".repeat(1 << 20);
const deep = nested(100_000, "object");
const deepList = nested(100_000, "list");

describe("lambda: hostile events (what only a direct Invoke can send)", () => {
  const cases: Array<[string, unknown]> = [
    ["source nested 100,000 deep", { ...base, source: deep }],
    ["detail-type nested 100,000 deep", { ...base, "detail-type": deepList }],
    ["detail.status nested 100,000 deep", { ...base, detail: { ...base.detail, status: deep } }],
    [
      "detail.eventName nested 100,000 deep",
      { ...base, "detail-type": "ECS Service Action", detail: { clusterArn: CLUSTER_ARN, eventName: deep } },
    ],
    ["the whole event nested 100,000 deep", deep],
    ["a source of a megabyte", { ...base, source: MEGABYTE }],
    ["a clusterArn of a megabyte (not watched)", { ...base, detail: { ...base.detail, clusterArn: MEGABYTE } }],
    [
      "an object with 100,000 keys as detail-type",
      { ...base, "detail-type": Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])) },
    ],
  ];
  for (const [name, event] of cases) {
    it(`${name}: returns (never throws), no ECS call, every log line under 2 KB`, async () => {
      const fake = new FakeEcs(buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]));
      const lines: string[] = [];
      const handle = createEventHandler({
        ecs: fake,
        env: { [SETTINGS_ENV.watchedClusters]: CLUSTER_ARN },
        write: (line) => lines.push(line),
      });
      const result = await handle(event);
      assert.ok(result.outcome === "ignored" || result.outcome === "failed", result.outcome);
      assert.strictEqual(fake.count(), 0);
      assert.ok(lines.length > 0, "the event is logged");
      for (const line of lines) assert.ok(line.length < 2048, `a log line of ${line.length} characters`);
      assert.ok((result.reason ?? "").length < 2048);
    });
  }

  it("an id of a megabyte on an otherwise sound event: acted on, the id cut to 128 characters in every log line", async () => {
    const fake = new FakeEcs(buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]));
    const lines: string[] = [];
    const handle = createEventHandler({
      ecs: fake,
      env: { [SETTINGS_ENV.watchedClusters]: CLUSTER_ARN },
      write: (line) => lines.push(line),
    });
    const result = await handle({ ...base, id: MEGABYTE });
    assert.strictEqual(result.outcome, "rebalanced");
    assert.strictEqual(result.eventId.length, 128);
    for (const line of lines) assert.strictEqual(JSON.parse(line).correlationId.length, 128);
  });

  it("control: the same event with sane values is acted on", async () => {
    const fake = new FakeEcs(buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]));
    const handle = createEventHandler({ ecs: fake, env: { [SETTINGS_ENV.watchedClusters]: CLUSTER_ARN }, write: () => undefined });
    assert.strictEqual((await handle(base)).outcome, "rebalanced");
  });
});
