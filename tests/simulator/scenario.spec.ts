import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  EcsSimulator,
  applyStep,
  createScenarioSimulator,
  loadScenario,
  readScenarioFile,
  runScenario,
  validateScenario,
  type Scenario,
} from "../../simulator";

const SCENARIOS = join(__dirname, "..", "..", "scenarios");

function valid(): Scenario {
  return {
    name: "s",
    zones: ["us-east-1a"],
    instance: { cpu: 1024, memory: 2048 },
    instanceCount: 1,
    services: [{ name: "web", desiredCount: 1, cpu: 128, memory: 128 }],
    steps: [{ name: "wait", advanceSeconds: 10 }],
  };
}

describe("simulator scenarios", () => {
  describe("the seed walkthrough (reference architecture), without any rebalancer", () => {
    it("starts with one web task on each of two instances in two zones", () => {
      const { sim, loaded } = createScenarioSimulator(readScenarioFile(join(SCENARIOS, "seed-walkthrough.json")));
      const layout = Object.entries(sim.distribution(loaded.clusterName)).map(([arn, counts]) => [
        sim.state.containerInstanceByArn(arn).attributes["ecs.availability-zone"],
        counts.web,
      ]);
      assert.deepEqual(layout.sort(), [
        ["us-east-1a", 1],
        ["us-east-1b", 1],
      ]);
    });

    it("scale in to 1 then out to 2: both tasks sit on one instance and the new instance is empty (the problem)", () => {
      const scenario = readScenarioFile(join(SCENARIOS, "seed-walkthrough.json"));
      const sim = new EcsSimulator();
      const results = runScenario(sim, scenario);
      assert.deepEqual(
        results.map((r) => [r.step, r.steady]),
        [
          ["scale in to 1 instance", true],
          ["scale out to 2 instances", true],
        ],
      );
      assert.deepEqual(Object.values(results[0].distribution), [{ web: 2 }]);
      const final = Object.values(results[1].distribution)
        .map((counts) => counts.web ?? 0)
        .sort();
      assert.deepEqual(final, [0, 2]);
      assert.equal(sim.metrics().minRunning.web, 2, "the site stayed up: 100 % minimum healthy");
    });
  });

  for (const file of readdirSync(SCENARIOS).filter((f) => f.endsWith(".json"))) {
    it(`${file} is valid, loads steady and every step settles`, () => {
      const scenario = readScenarioFile(join(SCENARIOS, file));
      const { sim, loaded } = createScenarioSimulator(scenario);
      assert.ok(sim.isSteady(loaded.clusterName));
      for (const step of scenario.steps) assert.equal(applyStep(sim, step).steady, true, step.name);
    });
  }

  const invalid: Array<[string, (s: Scenario & Record<string, any>) => void, string]> = [
    // eslint-disable-line @typescript-eslint/no-explicit-any
    [
      "negative desiredCount",
      (s) => {
        s.services[0].desiredCount = -1;
      },
      'scenario "services[0].desiredCount" = -1: must be an integer from 0 to 5000',
    ],
    [
      "no zones",
      (s) => {
        s.zones = [];
      },
      'scenario "zones" = []: must list 1 to 10 zones',
    ],
    [
      "fractional instanceCount",
      (s) => {
        s.instanceCount = 1.5;
      },
      'scenario "instanceCount" = 1.5: must be an integer from 0 to 1000',
    ],
    // the cases: values that passed validation and then failed with exit 1, or hung
    [
      "instanceCount 1,000,000 (would hang)",
      (s) => {
        s.instanceCount = 1_000_000;
      },
      'scenario "instanceCount" = 1000000: must be an integer from 0 to 1000',
    ],
    [
      "minimumHealthyPercent 300",
      (s) => {
        s.services[0].deploymentConfiguration = { minimumHealthyPercent: 300 };
      },
      'scenario "services[0].deploymentConfiguration.minimumHealthyPercent" = 300: must be an integer from 0 to 100',
    ],
    [
      "maximumPercent 50",
      (s) => {
        s.services[0].deploymentConfiguration = { maximumPercent: 50 };
      },
      'scenario "services[0].deploymentConfiguration.maximumPercent" = 50: must be an integer from 100 to 1000',
    ],
    [
      "drainInstance 99 on a group of 1",
      (s) => {
        s.steps[0] = { name: "drain", drainInstance: 99 };
      },
      'scenario "steps[0].drainInstance" = 99: must be below the group\'s 1 instance(s) at this step',
    ],
    [
      "loseInstance 2 after scaling to 2",
      (s) => {
        s.steps = [
          { name: "up", scaleInstances: 2 },
          { name: "lose", loseInstance: 2 },
        ];
      },
      'scenario "steps[1].loseInstance" = 2: must be below the group\'s 2 instance(s) at this step',
    ],
    [
      "two services with one name",
      (s) => {
        s.services.push({ ...s.services[0] });
      },
      'scenario "services[1].name" = "web": is used by an earlier service; names must be unique',
    ],
    [
      "spread field bogus",
      (s) => {
        s.services[0].placementStrategy = [{ type: "spread", field: "bogus" }];
      },
      'scenario "services[0].placementStrategy[0].field" = "bogus": must be instanceId, host or attribute:<name> for spread',
    ],
    [
      "binpack field disk",
      (s) => {
        s.services[0].placementStrategy = [{ type: "binpack", field: "disk" }];
      },
      'scenario "services[0].placementStrategy[0].field" = "disk": must be one of cpu, memory',
    ],
    [
      "memberOf expression the cluster query language cannot parse",
      (s) => {
        s.services[0].placementConstraints = [{ type: "memberOf", expression: "team is web" }];
      },
      'scenario "services[0].placementConstraints[0].expression" = "team is web": Invalid placement constraint expression "team is web": cannot parse "team is web".',
    ],
    [
      "region garbage!!",
      (s) => {
        s.region = "garbage!!";
      },
      'scenario "region" = "garbage!!": must be an AWS region name such as us-east-1',
    ],
    [
      "advanceSeconds of a year",
      (s) => {
        s.steps[0].advanceSeconds = 31_536_000;
      },
      'scenario "steps[0].advanceSeconds" = 31536000: must be a number of seconds from 0 to 86400',
    ],
    [
      "taskStartSeconds 1e9",
      (s) => {
        s.timing = { taskStartSeconds: 1e9 };
      },
      'scenario "timing.taskStartSeconds" = 1000000000: must be a number of seconds from 0 to 3600',
    ],
    [
      "11 services of 5,000 tasks",
      (s) => {
        s.services = Array.from({ length: 11 }, (_, i) => ({ name: `s${i}`, desiredCount: 5000, cpu: 1, memory: 1 }));
      },
      'scenario "services" = "55000 tasks in all": must add up to at most 50000 tasks',
    ],
    [
      "unknown strategy type",
      (s) => {
        s.services[0].placementStrategy = [{ type: "pack" as never }];
      },
      'scenario "services[0].placementStrategy[0].type" = "pack": must be one of spread, binpack, random',
    ],
    [
      "step with two actions",
      (s) => {
        s.steps[0].scaleInstances = 2;
      },
      'scenario "steps[0]" = ["scaleInstances","advanceSeconds"]: must have exactly one action of scaleInstances, setDesiredCount, drainInstance, loseInstance, advanceSeconds',
    ],
    [
      "step with no action",
      (s) => {
        delete s.steps[0].advanceSeconds;
      },
      'scenario "steps[0]" = []: must have exactly one action of scaleInstances, setDesiredCount, drainInstance, loseInstance, advanceSeconds',
    ],
    [
      "setDesiredCount of an unknown service",
      (s) => {
        s.steps[0] = { name: "x", setDesiredCount: { service: "api", count: 1 } };
      },
      'scenario "steps[0].setDesiredCount.service" = "api": must name a service of the scenario',
    ],
    [
      "missing instance memory",
      (s) => {
        delete (s.instance as Partial<Scenario["instance"]>).memory;
      },
      'scenario "instance.memory" = undefined: must be an integer from 1 to 16777216',
    ],
    [
      "bad scheduling strategy",
      (s) => {
        s.services[0].schedulingStrategy = "BATCH" as never;
      },
      'scenario "services[0].schedulingStrategy" = "BATCH": must be one of REPLICA, DAEMON',
    ],
    [
      "a tag value ECS refuses (a comma)",
      (s) => {
        s.services[0].tags = { team: "a,b" };
      },
      `scenario "services[0].tags" = {"team":"a,b"}: must be tags ECS accepts: Value 'a,b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$`,
    ],
  ];
  for (const [name, mutate, message] of invalid) {
    it(`validation: ${name} → ${message}`, () => {
      const scenario = valid() as Scenario & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      mutate(scenario);
      assert.deepEqual(validateScenario(scenario), [message]);
      assert.throws(() => loadScenario(new EcsSimulator(), scenario), { message });
    });
  }

  it("validation: a valid scenario has no errors", () => {
    assert.deepEqual(validateScenario(valid()), []);
  });

  it("loadScenario resets metrics, API call counts and the event queue after settling", () => {
    const sim = new EcsSimulator();
    loadScenario(sim, valid());
    assert.deepEqual(sim.apiCalls(), { byOperation: {}, read: 0, write: 0 });
    assert.equal(sim.metrics().taskDefinitionsRegistered, 0);
    assert.deepEqual(sim.takeEvents(), []);
  });

  it("applyStep needs loadScenario first", () => {
    assert.throws(() => applyStep(new EcsSimulator(), { name: "x", advanceSeconds: 1 }), /loadScenario/);
  });
});
