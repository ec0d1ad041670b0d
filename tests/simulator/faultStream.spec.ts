import { strict as assert } from "node:assert";
import * as path from "node:path";
import { applyStep, createScenarioSimulator, readScenarioFile } from "../../simulator";

/** Faults must not change ECS's own random choices, or a faulted run could not be compared with its control. */
describe("simulator fault stream", () => {
  const scenario = readScenarioFile(path.join(__dirname, "..", "..", "scenarios", "three-zones-scale-out.json"));

  function run(throttleRate: number): Record<string, Record<string, number>>[] {
    const { sim } = createScenarioSimulator(scenario);
    sim.faults.throttleRate = throttleRate;
    sim.faults.duplicateEventRate = throttleRate;
    const layouts = [];
    for (const step of scenario.steps) {
      applyStep(sim, step, { settle: false });
      for (let t = 0; t < 300; t += 5) {
        sim.advance(5);
        // API traffic that, under faults, is throttled at random
        for (let i = 0; i < 5; i++) {
          try {
            sim.call("ListServices", { cluster: scenario.cluster ?? scenario.name });
          } catch {
            // throttled
          }
        }
        sim.takeEvents();
      }
      layouts.push(sim.distribution(scenario.cluster ?? scenario.name));
    }
    return layouts;
  }

  it("a run with throttling and duplicated events places and scales in exactly like one without", () => {
    assert.deepEqual(run(0.5), run(0));
  });
});
