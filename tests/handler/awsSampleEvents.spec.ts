import * as assert from "assert";
import { matchesPattern } from "../../cli/eventPattern";
import { readTrigger } from "../../handler/events";
import { createEventHandler } from "../../handler/lambda";
import { SETTINGS_ENV } from "../../handler/settings";
import { instanceChangePattern, serviceSteadyPattern } from "../../infra/taskRebalancer";
import { sampleEvent, SAMPLE_NAMES, type SampleName } from "../fixtures/awsSampleEvents";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot } from "./fixtures";

/** The clusters the developer guide's samples name. */
const INSTANCE_SAMPLE_CLUSTER = "arn:aws:ecs:us-east-1:111122223333:cluster/default";
const SERVICE_SAMPLE_CLUSTER = "arn:aws:ecs:us-west-2:111122223333:cluster/default";
const WATCHED = [INSTANCE_SAMPLE_CLUSTER, SERVICE_SAMPLE_CLUSTER];

type Rule = "instance change" | "service steady" | "none";

/** Variants of a sample, each one field changed, for the rules' "where they should not" side. */
function variant(name: SampleName, detail: Record<string, unknown>) {
  const sample = sampleEvent(name).event;
  return { ...sample, detail: { ...sample.detail, ...detail } };
}

const cases: Array<[string, () => unknown, Rule, string]> = [
  [
    "the sample ACTIVE, connected container instance change triggers the instance rule and a run",
    () => sampleEvent("containerInstanceStateChange").event,
    "instance change",
    "instance-change",
  ],
  [
    "the same sample on a cluster not watched matches no rule",
    () => variant("containerInstanceStateChange", { clusterArn: "arn:aws:ecs:us-east-1:111122223333:cluster/other" }),
    "none",
    "instance-change",
  ],
  [
    "the sample instance DRAINING (status changed) matches no rule and is ignored",
    () => variant("containerInstanceStateChange", { status: "DRAINING" }),
    "none",
    "ignore",
  ],
  [
    "the sample instance with its agent disconnected matches no rule and is ignored",
    () => variant("containerInstanceStateChange", { agentConnected: false }),
    "none",
    "ignore",
  ],
  ["the sample task state change matches no rule and is ignored", () => sampleEvent("taskStateChange").event, "none", "ignore"],
  [
    "the sample SERVICE_STEADY_STATE triggers the steady rule and a run",
    () => sampleEvent("serviceSteadyState").event,
    "service steady",
    "service-steady",
  ],
  [
    "the sample CAPACITY_PROVIDER_STEADY_STATE matches no rule and is ignored",
    () => sampleEvent("capacityProviderSteadyState").event,
    "none",
    "ignore",
  ],
  [
    "the sample SERVICE_TASK_START_IMPAIRED (WARN) matches no rule and is ignored",
    () => sampleEvent("serviceTaskStartImpaired").event,
    "none",
    "ignore",
  ],
  [
    "the sample SERVICE_TASK_PLACEMENT_FAILURE (ERROR) matches no rule and is ignored",
    () => sampleEvent("serviceTaskPlacementFailure").event,
    "none",
    "ignore",
  ],
];

describe("AWS's documented sample events against the deployed rules and the handler", () => {
  it("every sample names its source page and is stored as AWS published it", () => {
    for (const name of SAMPLE_NAMES) {
      const { source, event } = sampleEvent(name);
      assert.match(source.page, /^https:\/\/docs\.aws\.amazon\.com\/AmazonECS\/latest\/developerguide\//, name);
      assert.strictEqual(event.source, "aws.ecs", name);
    }
  });

  for (const [rule, event, expectedRule, expectedTrigger] of cases) {
    it(rule, () => {
      const matched: Rule = matchesPattern(event(), instanceChangePattern(WATCHED))
        ? "instance change"
        : matchesPattern(event(), serviceSteadyPattern(WATCHED))
          ? "service steady"
          : "none";
      assert.strictEqual(matched, expectedRule);
      assert.strictEqual(readTrigger(event()).kind, expectedTrigger);
    });
  }

  it("the handler runs the sample's cluster on the two samples the rules deliver, and reads the instance version", async () => {
    const fake = new FakeEcs(
      { ...buildSnapshot([{ zone: "a", tasks: { web: 2 } }, { zone: "b" }], [{ name: "web" }]), clusterArn: INSTANCE_SAMPLE_CLUSTER },
      { ...buildSnapshot([], []), clusterArn: SERVICE_SAMPLE_CLUSTER },
    );
    const handle = createEventHandler({
      ecs: fake,
      env: { [SETTINGS_ENV.watchedClusters]: WATCHED.join(",") },
      now: () => new Date(),
      write: () => undefined,
    });
    const clustersRead = () => fake.calls.filter((c) => c.op === "listServices").map((c) => c.args[0]);
    const instance = await handle(sampleEvent("containerInstanceStateChange").event);
    assert.strictEqual(instance.outcome, "rebalanced");
    assert.deepStrictEqual(clustersRead(), [INSTANCE_SAMPLE_CLUSTER]);
    const steady = await handle(sampleEvent("serviceSteadyState").event);
    assert.strictEqual(steady.outcome, "rebalanced");
    assert.deepStrictEqual(clustersRead(), [INSTANCE_SAMPLE_CLUSTER, SERVICE_SAMPLE_CLUSTER]);
    const trigger = readTrigger(sampleEvent("containerInstanceStateChange").event);
    assert.strictEqual(trigger.kind === "instance-change" && trigger.version, 14801);
  });
});
