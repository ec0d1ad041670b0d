import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, parseStackConfig, partitionOf } from "../../infra/config";

const parse = (values: Record<string, string>, region: string | undefined = "us-east-1") =>
  parseStackConfig((key) => values[key], { region });
const ACCOUNT = "123456789012";

describe("infra/config: values AWS would reject in the stack's region and partition", () => {
  const rejected: Array<[string, string, string, string]> = [
    [
      "targetClusters",
      `["arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/prod"]`,
      "us-east-1",
      'config "targetClusters[0]" = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod": is in region eu-west-1, but the stack deploys to us-east-1',
    ],
    [
      "targetClusters",
      `["arn:aws-cn:ecs:cn-north-1:${ACCOUNT}:cluster/prod"]`,
      "us-east-1",
      "is in partition aws-cn, but the stack deploys to us-east-1 (aws)",
    ],
    [
      "targetClusters",
      `["arn:aws:ecs:cn-north-1:${ACCOUNT}:cluster/prod"]`,
      "cn-north-1",
      "is in partition aws, but the stack deploys to cn-north-1 (aws-cn)",
    ],
    [
      "certificateArn",
      `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/abc-123`,
      "us-east-1",
      'config "certificateArn" = "arn:aws:acm:eu-west-1:123456789012:certificate/abc-123": is in region eu-west-1, but the stack deploys to us-east-1',
    ],
    [
      "schedule",
      "cron(* * * * * *)",
      "us-east-1",
      'config "schedule" = "cron(* * * * * *)": EventBridge would reject this cron expression: exactly one of day-of-month and day-of-week must be ?',
    ],
    ["schedule", "cron(0 12 1 * MON *)", "us-east-1", "exactly one of day-of-month and day-of-week must be ?"],
  ];
  for (const [key, value, region, fragment] of rejected) {
    it(`${key} = ${value} with the stack in ${region} → ${fragment.slice(0, 60)}…`, () => {
      assert.throws(
        () => parse({ [key]: value }, region),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.ok(err.message.includes(fragment), err.message);
          assert.ok(!err.message.includes("\n"));
          return true;
        },
      );
    });
  }

  it("control: the same ARNs in the stack's own region are accepted, and names are never region-checked", () => {
    const config = parse(
      {
        targetClusters: `["arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/prod", "staging"]`,
        certificateArn: `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/abc-123`,
      },
      "eu-west-1",
    );
    assert.deepEqual(config.rebalancer.targetClusters, [`arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/prod`, "staging"]);
  });

  it("partitionOf: the partitions ARNs spell", () => {
    assert.deepEqual(["us-east-1", "cn-northwest-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1"].map(partitionOf), [
      "aws",
      "aws-cn",
      "aws-us-gov",
      "aws-iso",
      "aws-iso-b",
    ]);
  });
});

describe("infra/config: errors as Pulumi's Node language host prints them", () => {
  it("ConfigError is a pulumi.RunError", () => {
    assert.throws(
      () => parse({ minSize: "lots" }),
      (err: unknown) => pulumi.RunError.isInstance(err),
    );
  });

  it("run by the host's own run() (cmd/run/run.js, the engine mocked), a bad value prints one line and no stack", function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), "pulumi-host-"));
    const root = join(__dirname, "../..");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "host-check", main: "program.js" }));
    writeFileSync(
      join(dir, "program.js"),
      [
        `require(${JSON.stringify(require.resolve("ts-node"))}).register({ transpileOnly: true, project: ${JSON.stringify(join(root, "tsconfig.json"))} });`,
        `require(${JSON.stringify(join(root, "infra/config.ts"))}).parseStackConfig((key) => (key === "minSize" ? "lots" : undefined));`,
      ].join("\n"),
    );
    const host = spawnSync(process.execPath, [join(__dirname, "pulumiHostRun.js"), join(dir, "program.js"), dir, root], {
      encoding: "utf8",
      env: { ...process.env, FORCE_COLOR: "0" },
    });
    const printed = `${host.stdout}${host.stderr}`.trim();
    assert.equal(printed, 'error: [runtime] config "minSize" = "lots": must be an integer between 0 and 100');
    assert.doesNotMatch(printed, /unhandled exception|\n\s+at /);
  });
});
