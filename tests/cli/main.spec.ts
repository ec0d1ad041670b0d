import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../cli/main";
import { EcsSimulator } from "../../simulator";
import { buildSnapshot } from "../handler/fixtures";
import { addInstances, addService, CLUSTER, newSimulator } from "../simulator/helpers";

/** Runs the CLI in-process and captures what it prints. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-rebalance-cli-"));
const file = (name: string, text: string) => {
  const target = path.join(tmp, name);
  fs.writeFileSync(target, text);
  return target;
};

/** A sound two-instance snapshot file with one field spoiled. */
const spoiled = (name: string, spoil: (s: any) => void) => {
  // eslint-disable-line @typescript-eslint/no-explicit-any
  const snapshot = JSON.parse(
    JSON.stringify(buildSnapshot([{ zone: "us-east-1a", tasks: { web: 2 } }, { zone: "us-east-1b" }], [{ name: "web" }])),
  );
  spoil(snapshot);
  return file(name, JSON.stringify(snapshot));
};

describe("cli: ecs-rebalance", () => {
  for (const argv of [["--help"], ["simulate", "--help"], ["run", "--cluster", "prod", "-h"]]) {
    it(`${argv.join(" ")} → the usage on stdout, exit 0, nothing run`, async () => {
      const result = await cli(...argv);
      assert.strictEqual(result.code, 0);
      assert.match(result.stdout, /^Usage: ecs-rebalance <command>/);
      assert.strictEqual(result.stderr, "");
    });
  }

  describe("bad input: one line on stderr, exit code 2, no stack trace", () => {
    const cases: Array<[string, () => string[], RegExp]> = [
      ["unknown command", () => ["frobnicate"], /unknown command "frobnicate"/],
      ["unknown flag", () => ["plan", "--snap", "x"], /plan: Unknown option '--snap'/],
      ["missing required flag", () => ["plan"], /plan: --snapshot is required/],
      ["missing snapshot file", () => ["plan", "--snapshot", path.join(tmp, "nope.json")], /no such file/],
      ["invalid JSON", () => ["plan", "--snapshot", file("bad.json", "{ nope")], /invalid JSON/],
      [
        "snapshot of the wrong shape",
        () => [
          "plan",
          "--snapshot",
          file("shape.json", JSON.stringify({ clusterArn: "x", containerInstances: [], services: [{}], tasks: [], taskDefinitions: [] })),
        ],
        /services\[0\]\.serviceArn: missing/,
      ],
      ["a JSON array instead of an object", () => ["plan", "--snapshot", file("array.json", "[]")], /snapshot: expected an object/],
      [
        "a wrong-typed field (the issue's deployments: 7)",
        () => ["plan", "--snapshot", spoiled("deployments.json", (s) => (s.services[0].deployments = 7))],
        /snapshot\.services\[0\]\.deployments: expected a list, got 7/,
      ],
      [
        "a wrong-typed field (the issue's remainingResources: [null])",
        () => ["plan", "--snapshot", spoiled("resources.json", (s) => (s.containerInstances[0].remainingResources = [null]))],
        /remainingResources\[0\]: expected an object, got null/,
      ],
      [
        "budget that is not a number",
        () => ["run", "--cluster", "c", "--max-moves-per-run", "lots"],
        /--max-moves-per-run "lots" must be an integer/,
      ],
      [
        "scenario file that does not validate",
        () => ["simulate", "--scenario", file("scenario.json", JSON.stringify({ name: "x" }))],
        /scenario/,
      ],
      [
        "a region that is no region name",
        () => ["run", "--cluster", "c", "--region", "garbage!!"],
        /run: --region "garbage!!" must be an AWS region name/,
      ],
      [
        "a scenario whose region is no region name",
        () => [
          "simulate",
          "--scenario",
          file(
            "region.json",
            JSON.stringify({ ...JSON.parse(fs.readFileSync("scenarios/seed-walkthrough.json", "utf8")), region: "garbage!!" }),
          ),
        ],
        /scenario "region" = "garbage!!": must be an AWS region name/,
      ],
      [
        "a scenario of 1,000,000 instances",
        () => [
          "simulate",
          "--scenario",
          file(
            "huge.json",
            JSON.stringify({ ...JSON.parse(fs.readFileSync("scenarios/seed-walkthrough.json", "utf8")), instanceCount: 1_000_000 }),
          ),
        ],
        /scenario "instanceCount" = 1000000: must be an integer from 0 to 1000/,
      ],
      [
        "fault rate out of range",
        () => ["simulate", "--scenario", "scenarios/seed-walkthrough.json", "--throttle-rate", "2"],
        /--throttle-rate "2" must be a number from 0 to 1/,
      ],
    ];
    for (const [name, argv, message] of cases) {
      it(`${name} → exit 2`, async () => {
        const result = await cli(...argv());
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, message);
        assert.strictEqual(result.stderr.trim().split("\n").length, 1, result.stderr);
        assert.doesNotMatch(result.stderr, /\n\s+at /);
      });
    }
  });

  describe("plan", () => {
    const reference = () =>
      file(
        "reference.json",
        JSON.stringify(buildSnapshot([{ zone: "us-east-1a", tasks: { web: 2 } }, { zone: "us-east-1b" }], [{ name: "web" }])),
      );

    it("--json on the reference case: exactly 1 move, service ARN, container instance ARNs", async () => {
      const result = await cli("plan", "--snapshot", reference(), "--json");
      assert.strictEqual(result.code, 0, result.stderr);
      const plan = JSON.parse(result.stdout);
      assert.strictEqual(plan.moves.length, 1);
      const [move] = plan.moves;
      assert.match(move.service, /^arn:aws:ecs:.*:service\/demo\/web$/);
      assert.match(move.from, /:container-instance\/demo\/0+$/);
      assert.match(move.to, /:container-instance\/demo\/0+1$/);
      assert.match(move.taskArn, /:task\/demo\//);
      assert.deepStrictEqual(plan.skipped, []);
    });

    it("prints a readable table of moves and skips by default", async () => {
      const result = await cli("plan", "--snapshot", reference());
      assert.match(result.stdout, /Moves: 1/);
      assert.match(result.stdout, /web\s+\w+\s+i-0+ \(us-east-1a\)\s+i-0+1 \(us-east-1b\)/);
    });
  });

  describe("plan: instance load before and after", () => {
    // 12 two-task services, one task of each on the first instance of each zone: 4 → 2 → 4 instances
    const services = Array.from({ length: 12 }, (_, i) => ({ name: `svc-${String(i).padStart(2, "0")}` }));
    const oneEach = Object.fromEntries(services.map((s) => [s.name, 1]));
    const crowded = () =>
      file(
        "crowded.json",
        JSON.stringify(
          buildSnapshot(
            [
              { zone: "us-east-1a", tasks: oneEach },
              { zone: "us-east-1a" },
              { zone: "us-east-1b", tasks: oneEach },
              { zone: "us-east-1b" },
            ],
            services,
          ),
        ),
      );

    it("--json adds each instance's load before and after, zone by zone, with the band: (12, 0) → (6, 6)", async () => {
      const result = await cli("plan", "--snapshot", crowded(), "--json");
      assert.strictEqual(result.code, 0, result.stderr);
      const plan = JSON.parse(result.stdout);
      assert.strictEqual(plan.load.bandTasks, 1);
      const tasks = plan.load.zones.map(
        (z: { zone: string; instances: Array<{ before: { tasks: number }; after: { tasks: number } }> }) => [
          z.zone,
          z.instances.map((i) => [i.before.tasks, i.after.tasks]),
        ],
      );
      assert.deepStrictEqual(tasks, [
        [
          "us-east-1a",
          [
            [12, 6],
            [0, 6],
          ],
        ],
        [
          "us-east-1b",
          [
            [12, 6],
            [0, 6],
          ],
        ],
      ]);
      assert.ok(plan.moves.every((m: { pass: string }) => m.pass === "load"));
      assert.ok(plan.load.zones[0].instances[0].before.cpuShare > plan.load.zones[0].instances[0].after.cpuShare);
    });

    it("text: a bar per instance before and after, the zone's band, over and under marked", async () => {
      const result = await cli("plan", "--snapshot", crowded());
      assert.match(result.stdout, /us-east-1a: average 6\.0, band 6–6/);
      assert.match(result.stdout, /before ■{6}▲{6}\s+12 \(cpu \d+%, memory \d+%\)\s+over/);
      assert.match(result.stdout, /after  ■{6}\s+6 /);
      assert.match(result.stdout, /before\s+0 \(cpu 0%, memory 0%\)\s+under/);
    });

    it("--load-band 0 turns the load pass off: no moves, the bars say so", async () => {
      const result = await cli("plan", "--snapshot", crowded(), "--load-band", "0");
      assert.match(result.stdout, /Moves: 0/);
      assert.match(result.stdout, /the load pass is off/);
    });

    it("--load-band with a bad value → one line, exit code 2", async () => {
      const result = await cli("plan", "--snapshot", crowded(), "--load-band", "1.5");
      assert.strictEqual(result.code, 2);
      assert.match(result.stderr, /^ecs-rebalance: plan: --load-band "1.5" must be an integer from 0 to 100\n$/);
    });
  });

  describe("snapshot and run against an ECS endpoint (the simulator, through AWS_ENDPOINT_URL_ECS)", () => {
    let sim: EcsSimulator;
    const saved = { ...process.env };
    beforeEach(async () => {
      sim = newSimulator();
      addInstances(sim, [{ zone: "us-east-1a" }]);
      addService(sim, "web", 2, {
        placementStrategy: [
          { type: "spread", field: "attribute:ecs.availability-zone" },
          { type: "spread", field: "instanceId" },
        ],
        // a service from before ECS's own AZ rebalancing: the zone move is ours to make
        availabilityZoneRebalancing: "DISABLED",
      });
      sim.settle(CLUSTER);
      addInstances(sim, [{ zone: "us-east-1b" }]);
      sim.settle(CLUSTER);
      sim.resetApiCalls();
      Object.assign(process.env, {
        AWS_ENDPOINT_URL_ECS: await sim.listen(),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "x",
        AWS_SECRET_ACCESS_KEY: "x",
      });
    });
    afterEach(async () => {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await sim.close();
    });

    it("snapshot --out writes a file that plan reads: 1 move", async () => {
      const out = path.join(tmp, "live.json");
      assert.strictEqual((await cli("snapshot", "--cluster", CLUSTER, "--out", out)).code, 0);
      const snapshot = JSON.parse(fs.readFileSync(out, "utf8"));
      assert.deepStrictEqual(Object.keys(snapshot).sort(), ["clusterArn", "containerInstances", "services", "taskDefinitions", "tasks"]);
      assert.strictEqual(snapshot.tasks.length, 2);
      const plan = JSON.parse((await cli("plan", "--snapshot", out, "--json")).stdout);
      assert.strictEqual(plan.moves.length, 1);
    });

    it("run --dry-run plans the surge and writes nothing", async () => {
      const result = await cli("run", "--cluster", CLUSTER, "--dry-run", "--json");
      assert.strictEqual(result.code, 0, result.stderr);
      assert.deepStrictEqual(
        JSON.parse(result.stdout).wave.actions.map((a: { kind: string }) => a.kind),
        ["surge"],
      );
      assert.strictEqual(sim.apiCalls().write, 0);
    });

    it("run starts the surge: tag, then desired count 3", async () => {
      const result = await cli("run", "--cluster", CLUSTER);
      assert.strictEqual(result.code, 0, result.stderr);
      assert.deepStrictEqual(sim.apiCalls().byOperation.TagResource, 1);
      assert.deepStrictEqual(sim.apiCalls().byOperation.UpdateService, 1);
      assert.match(result.stdout, /web\s+surge\s+-\s+3/);
    });
  });

  it("simulate --json reports steps, distribution, moves, minRunning, apiCalls and balanced", async () => {
    const result = await cli("simulate", "--scenario", "scenarios/seed-walkthrough.json", "--json");
    assert.strictEqual(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepStrictEqual(
      report.steps.map((s: { name: string }) => s.name),
      ["scale in to 1 instance", "scale out to 2 instances"],
    );
    assert.deepStrictEqual(
      Object.values(report.steps[1].distribution)
        .map((c: any) => c.web)
        .sort(),
      [1, 1],
    );
    assert.strictEqual(report.moves, 1);
    assert.deepStrictEqual(report.minRunning, { web: 2 });
    assert.ok(report.apiCalls.read > 0 && report.apiCalls.write > 0);
    assert.strictEqual(report.balanced, true);
  });

  it("simulate --no-rebalancer leaves the walkthrough unbalanced and makes no API call", async () => {
    const report = JSON.parse((await cli("simulate", "--scenario", "scenarios/seed-walkthrough.json", "--json", "--no-rebalancer")).stdout);
    assert.strictEqual(report.balanced, false);
    assert.strictEqual(report.moves, 0);
    assert.deepStrictEqual({ read: report.apiCalls.read, write: report.apiCalls.write }, { read: 0, write: 0 });
  });
});
