import { strict as assert } from "node:assert";
import {
  CreateServiceCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  ListTagsForResourceCommand,
  ListTasksCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { EcsSimulator } from "../../../simulator";
import { TARGET_PREFIX } from "../../../simulator/server";
import { CLUSTER, addInstances, addService, newSimulator, sdkClient } from "../helpers";
import { expectRejectedRequests } from "../../conformance/exchangeLog";

/** Posts a raw JSON 1.1 request, as a client that does not serialize through the SDK would. */
async function post(
  endpoint: string,
  operation: string,
  body: unknown,
): Promise<{ status: number; json: { __type?: string; message?: string } }> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `${TARGET_PREFIX}${operation}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { __type?: string; message?: string } };
}

describe("simulator: the official ECS model enforced at the protocol edge", () => {
  let sim: EcsSimulator;
  let endpoint: string;
  let ecs: ECSClient;
  let serviceArn: string;

  beforeEach(async () => {
    sim = newSimulator();
    expectRejectedRequests(sim);
    addInstances(sim, [{ zone: "us-east-1a" }]);
    serviceArn = addService(sim, "web", 1, { tags: [{ key: "app", value: "web" }] });
    endpoint = await sim.listen();
    ecs = sdkClient(endpoint, 1);
  });
  afterEach(async () => {
    ecs.destroy();
    await sim.close();
  });

  const tags = async () => (await ecs.send(new ListTagsForResourceCommand({ resourceArn: serviceArn }))).tags;
  const rejects = (promise: Promise<unknown>, pattern: RegExp) =>
    assert.rejects(promise, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.name, "InvalidParameterException");
      assert.equal(error.$metadata?.httpStatusCode, 400);
      assert.match(error.message, pattern);
      return true;
    });

  const badTags: Array<[string, Array<{ key: string; value: string }>, RegExp]> = [
    [
      "a semicolon in a tag value (the old surge tag) is rejected and not stored",
      [{ key: "ecs-rebalancer:surge", value: "from=2;to=3;at=2026-11-28T07:16:09.252Z" }],
      /at 'tags\.1\.member\.value' failed to satisfy constraint: Member must satisfy regular expression pattern: \^/,
    ],
    [
      "a tag key of 129 characters is rejected",
      [{ key: "k".repeat(129), value: "v" }],
      /at 'tags\.1\.member\.key' failed to satisfy constraint: Member must have length less than or equal to 128/,
    ],
    [
      "a tag value of 257 characters is rejected",
      [{ key: "k", value: "v".repeat(257) }],
      /Member must have length less than or equal to 256/,
    ],
    [
      "51 tags in one request are rejected (the model's list limit)",
      Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, value: "v" })),
      /at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50/,
    ],
    ["the aws: prefix is reserved, in any case", [{ key: "AWS:owner", value: "me" }], /aws: prefix is reserved/],
  ];
  for (const [rule, value, pattern] of badTags) {
    it(rule, async () => {
      await rejects(ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: value })), pattern);
      assert.deepEqual(await tags(), [{ key: "app", value: "web" }]);
    });
  }

  it("a resource holds at most 50 tags in all: 49 more fit, one more after that is rejected", async () => {
    await ecs.send(
      new TagResourceCommand({ resourceArn: serviceArn, tags: Array.from({ length: 49 }, (_, i) => ({ key: `k${i}`, value: "v" })) }),
    );
    await rejects(ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: "one-more", value: "v" }] })), /at most 50/);
    assert.equal((await tags())?.length, 50);
  });

  it("the new surge tag value is accepted and echoed as sent", async () => {
    const value = "from=2 to=3 at=2026-11-28T07:16:09.252Z";
    await ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: [{ key: "ecs-rebalancer:surge", value }] }));
    assert.deepEqual((await tags())?.find((t) => t.key === "ecs-rebalancer:surge")?.value, value);
  });

  it("CreateService with an aws: tag is rejected and no service is created", async () => {
    await rejects(
      ecs.send(
        new CreateServiceCommand({
          cluster: CLUSTER,
          serviceName: "api",
          taskDefinition: "web",
          desiredCount: 1,
          tags: [{ key: "aws:team", value: "x" }],
        }),
      ),
      /aws: prefix is reserved/,
    );
    assert.equal(sim.state.cluster(CLUSTER).services.has("api"), false);
  });

  it("RegisterTaskDefinition with an aws: tag is rejected and no revision is registered", async () => {
    const family = { family: "web", containerDefinitions: [{ name: "web", image: "httpd", memory: 128 }] };
    await rejects(
      ecs.send(new RegisterTaskDefinitionCommand({ ...family, tags: [{ key: "aws:team", value: "x" }] })),
      /aws: prefix is reserved/,
    );
    assert.equal(sim.state.families.get("web")?.length, 1);
  });

  it("UntagResource of an aws: key is rejected", async () => {
    await rejects(
      ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: ["aws:cloudformation:stack-name"] })),
      /aws: prefix is reserved/,
    );
  });

  it("an enum value outside the model is rejected before anything is listed", async () => {
    await rejects(
      ecs.send(new ListTasksCommand({ cluster: CLUSTER, desiredStatus: "running" as never })),
      /at 'desiredStatus' failed to satisfy constraint: Member must satisfy enum value set: \[RUNNING, PENDING, STOPPED\]/,
    );
  });

  it("a desired count that is not an integer is rejected and the service keeps its count", async () => {
    await rejects(
      ecs.send(new UpdateServiceCommand({ cluster: CLUSTER, service: "web", desiredCount: 2.5 })),
      /at 'desiredCount'.*32-bit integer/,
    );
    assert.equal(sim.state.cluster(CLUSTER).services.get("web")?.desiredCount, 1);
  });

  it("a number outside the model's range is rejected (capacity provider weight 0..1000)", async () => {
    await rejects(
      ecs.send(
        new UpdateServiceCommand({
          cluster: CLUSTER,
          service: "web",
          capacityProviderStrategy: [{ capacityProvider: "cp", weight: 1001 }],
        }),
      ),
      /at 'capacityProviderStrategy\.1\.member\.weight' failed to satisfy constraint: Member must have value less than or equal to 1000/,
    );
  });

  it("a StopTask reason over the documented 255 characters is rejected and the task keeps running", async () => {
    sim.settle(CLUSTER);
    const task = [...sim.state.cluster(CLUSTER).tasks.values()][0];
    await rejects(ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: task.arn, reason: "r".repeat(256) })), /up to 255 characters/);
    assert.equal(task.desiredStatus, "RUNNING");
  });

  const raw: Array<[string, string, unknown, RegExp]> = [
    [
      "an unknown member is rejected, naming it",
      "StopTask",
      { cluster: CLUSTER, task: "x", reasonText: "typo" },
      /Member 'reasonText' at '\(body\)' is not defined in the ECS model/,
    ],
    [
      "a missing required member is rejected, naming it",
      "StopTask",
      { cluster: CLUSTER },
      /Value null at 'task' failed to satisfy constraint: Member must not be null/,
    ],
    [
      "a string where a list belongs is rejected",
      "DescribeServices",
      { cluster: CLUSTER, services: "web" },
      /at 'services' failed to satisfy constraint: Member must be a list/,
    ],
    ["a body that is not a JSON object is rejected", "ListServices", [], /Member must be a structure/],
  ];
  for (const [rule, operation, body, pattern] of raw) {
    it(`${rule} (HTTP 400 InvalidParameterException)`, async () => {
      const { status, json } = await post(endpoint, operation, body);
      assert.equal(status, 400);
      assert.equal(json.__type, "InvalidParameterException");
      assert.match(json.message ?? "", pattern);
    });
  }

  it("a response outside the model is a simulator bug: answered as ServerException (500) naming the member", async () => {
    const definition = [...sim.state.taskDefinitions.values()][0];
    definition.raw.colour = "red"; // as if the simulator echoed something the model lacks
    const { status, json } = await post(endpoint, "DescribeTaskDefinition", { taskDefinition: definition.arn });
    assert.equal(status, 500);
    assert.equal(json.__type, "ServerException");
    assert.match(
      json.message ?? "",
      /simulator bug: the DescribeTaskDefinition response violates the ECS model: Member 'colour' at 'taskDefinition'/,
    );
    delete definition.raw.colour;
    const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: definition.arn }));
    assert.equal(out.taskDefinition?.family, "web");
  });

  it("operator set-up that bypasses HTTP is checked too: a service tag with a comma is refused", () => {
    assert.throws(
      () => addService(sim, "api", 1, { tags: [{ key: "team", value: "a,b" }] }),
      /CreateService: 1 validation error detected: Value 'a,b' at 'tags\.1\.member\.value'/,
    );
  });
});
