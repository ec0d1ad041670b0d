import * as assert from "assert";
import type { ServiceDeploymentStatus } from "@aws-sdk/client-ecs";
import { silentLogger } from "../../handler/log";
import { rebalance } from "../../handler/rebalance";
import { ACTIVE_SERVICE_DEPLOYMENT_STATUSES } from "../../handler/serviceDeployments";
import { formatSurge, SURGE_TAG } from "../../handler/surgeTag";
import { FakeEcs } from "./fakeEcs";
import { buildSnapshot, CLUSTER_ARN, serviceArn, WEB_IDENTITY } from "./fixtures";

const NOW = new Date("2026-03-01T12:00:00Z");
const OPTIONS = {
  dryRun: false,
  now: NOW,
  log: silentLogger,
  surgeTimeoutSeconds: 900,
  maxMovesPerRun: 10,
  maxMovesPerService: 5,
  maxMovesPerInstance: 3,
};

/** web would move (2 | 0 over two zones); api is balanced. */
function cluster(): FakeEcs {
  return new FakeEcs(
    buildSnapshot(
      [
        { zone: "a", tasks: { web: 2, api: 1 } },
        { zone: "b", tasks: { api: 1 } },
      ],
      [{ name: "web" }, { name: "api" }],
    ),
  );
}

function deployment(service: string, status: ServiceDeploymentStatus) {
  return { serviceArn: serviceArn(service), clusterArn: CLUSTER_ARN, serviceDeploymentArn: `${serviceArn(service)}/sd-${status}`, status };
}

describe("service deployments: a service being deployed is skipped, however steady its counts look", () => {
  for (const status of ACTIVE_SERVICE_DEPLOYMENT_STATUSES) {
    it(`a service deployment ${status} (a BLUE_GREEN bake, a LINEAR step...) → service-deployment-in-progress, no write`, async () => {
      const fake = cluster();
      fake.serviceDeployments.push(deployment("web", status as ServiceDeploymentStatus));
      const report = await rebalance(fake, CLUSTER_ARN, OPTIONS);
      assert.deepStrictEqual(
        report.plan.skipped.map((s) => [s.serviceName, s.reason]),
        [["web", "service-deployment-in-progress"]],
      );
      assert.match(report.plan.skipped[0].detail, new RegExp(status));
      assert.deepStrictEqual(fake.writes(), []);
    });
  }

  for (const status of ["SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"] as const) {
    it(`control: only a finished deployment (${status}) → the move goes ahead`, async () => {
      const fake = cluster();
      fake.serviceDeployments.push(deployment("web", status));
      const report = await rebalance(fake, CLUSTER_ARN, OPTIONS);
      assert.deepStrictEqual(
        report.wave.actions.map((a) => [a.serviceName, a.kind]),
        [["web", "surge"]],
      );
    });
  }

  it("a surge to complete on a service being deployed waits (skipped), its count still raised for a later run", async () => {
    const fake = new FakeEcs(
      buildSnapshot(
        [
          { zone: "a", tasks: { web: 2 } },
          { zone: "b", tasks: { web: 1 } },
        ],
        [{ name: "web", desiredCount: 3, tags: { [SURGE_TAG]: formatSurge({ from: 2, to: 3, startedAt: NOW }, WEB_IDENTITY) } }],
      ),
    );
    fake.serviceDeployments.push(deployment("web", "IN_PROGRESS"));
    const report = await rebalance(fake, CLUSTER_ARN, OPTIONS);
    assert.deepStrictEqual(report.plan.surges, []);
    assert.deepStrictEqual(
      report.plan.skipped.map((s) => s.reason),
      ["service-deployment-in-progress"],
    );
    assert.deepStrictEqual(fake.writes(), []);
  });

  it("ListServiceDeployments failing (AccessDenied) → skipped as unknown, never acted on", async () => {
    const fake = cluster();
    fake.fail("listServiceDeployments", "AccessDeniedException");
    const report = await rebalance(fake, CLUSTER_ARN, OPTIONS);
    assert.deepStrictEqual(
      report.plan.skipped.map((s) => s.reason),
      ["service-deployment-in-progress"],
    );
    assert.match(report.plan.skipped[0].detail, /AccessDeniedException.*unknown/);
    assert.deepStrictEqual(fake.writes(), []);
  });

  it("read budget: only the services the plan would write to are asked, with the non-terminal statuses as the filter", async () => {
    const fake = cluster();
    await rebalance(fake, CLUSTER_ARN, OPTIONS);
    const asked = fake.calls.filter((c) => c.op === "listServiceDeployments");
    assert.deepStrictEqual(
      asked.map((c) => c.args[1]),
      [serviceArn("web")],
      "api is balanced: not asked",
    );
    assert.deepStrictEqual(asked[0].args[2], ACTIVE_SERVICE_DEPLOYMENT_STATUSES);
  });
});
