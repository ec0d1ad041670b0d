import { strict as assert } from "node:assert";
import { Network } from "../../infra/network";
import { settle, startMockSession, valueOf } from "./pulumiMocks";

const VPC = "awsx:ec2:Vpc";

describe("infra/network: Network", () => {
    async function build(natGateways: "Single" | "OnePerAz" | "None" = "Single", availabilityZoneCount = 2) {
        const session = await startMockSession();
        const network = new Network("net", { availabilityZoneCount, natGateways, cidrBlock: "10.20.0.0/16" });
        await settle(session);
        return { session, network };
    }

    it("declares one awsx VPC with the configured CIDR, zone count, DNS hostnames and a public + private subnet per zone", async () => {
        const { session } = await build("Single", 3);
        const vpc = session.one(VPC).inputs;
        assert.equal(vpc.cidrBlock, "10.20.0.0/16");
        assert.equal(vpc.numberOfAvailabilityZones, 3);
        assert.equal(vpc.enableDnsHostnames, true);
        assert.deepEqual(vpc.subnetSpecs.map((s: { type: string }) => s.type).sort(), ["Private", "Public"]);
    });

    for (const strategy of ["Single", "OnePerAz", "None"] as const) {
        it(`passes natGateways = ${strategy} to the VPC as its NAT strategy`, async () => {
            const { session } = await build(strategy);
            assert.deepEqual(session.one(VPC).inputs.natGateways, { strategy });
        });
    }

    it("exposes the VPC id, the CIDR and the public and private subnet ids", async () => {
        const { network } = await build("Single", 2);
        assert.equal(await valueOf(network.vpcId), "vpc-0abc1234");
        assert.equal(await valueOf(network.cidrBlock), "10.20.0.0/16");
        assert.deepEqual(await valueOf(network.publicSubnetIds), ["subnet-pub0", "subnet-pub1"]);
        assert.deepEqual(await valueOf(network.privateSubnetIds), ["subnet-priv0", "subnet-priv1"]);
    });

    it("registers as ecs-rebalancer:infra:Network, parents the VPC to itself and registers its outputs", async () => {
        const { session } = await build();
        const component = session.one("ecs-rebalancer:infra:Network");
        assert.equal(session.one(VPC).parent, component.urn);
        assert.ok(session.outputsRegistered.has(component.urn));
    });

    it("refuses fewer than two zones, because an ALB needs two", async () => {
        await startMockSession();
        assert.throws(() => new Network("net", { availabilityZoneCount: 1, natGateways: "Single", cidrBlock: "10.0.0.0/16" }), /at least 2/);
    });
});
