import * as assert from "assert";
import type { Service } from "@aws-sdk/client-ecs";
import { constraintsChanged } from "../../cli/simulation";
import type { Scenario } from "../../simulator";

/** A simulation's report names every service whose placement constraints no longer match those it was created with: a pin left behind. */
describe("simulation report: constraintsChanged", () => {
  const own = { type: "memberOf" as const, expression: "attribute:tier != batch" };
  const pin = { type: "memberOf" as const, expression: "ec2InstanceId == i-00000000000000001" };
  const scenario = { services: [{ name: "web", placementConstraints: [own] }, { name: "api" }] } as unknown as Scenario;
  const service = (serviceName: string, placementConstraints?: Service["placementConstraints"]): Service => ({
    serviceName,
    placementConstraints,
  });

  const cases: Array<[string, Service[], string[]]> = [
    ["as created (api with none, or an empty list as DescribeServices returns it) → none", [service("web", [own]), service("api", [])], []],
    [
      "the same constraint with its fields in another order (as the wire returns them) → none",
      [service("web", [{ expression: own.expression, type: own.type }]), service("api")],
      [],
    ],
    ["a pin left on web → web", [service("web", [own, pin]), service("api")], ["web"]],
    ["web's own constraint gone, and a pin on api → both", [service("web", []), service("api", [pin])], ["web", "api"]],
    ["a service the scenario did not create is not judged", [service("web", [own]), service("other", [pin])], []],
  ];
  for (const [name, services, expected] of cases) it(name, () => assert.deepStrictEqual(constraintsChanged(scenario, services), expected));
});
