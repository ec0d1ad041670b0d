import * as pulumi from "@pulumi/pulumi";
import * as awsx from "@pulumi/awsx";

export interface NetworkArgs {
    /** How many Availability Zones to spread subnets over; at least 2, because an ALB needs two. */
    readonly availabilityZoneCount: number;
    /** "Single" (one shared NAT gateway), "OnePerAz" (zone-redundant egress) or "None". */
    readonly natGateways: "Single" | "OnePerAz" | "None";
    readonly cidrBlock: string;
}

/**
 * A VPC with one public subnet per zone for the load balancer and one private subnet per zone for
 * the container instances, which reach ECS, ECR and Docker registries through the NAT gateway(s).
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly cidrBlock: pulumi.Output<string>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ecs-rebalancer:infra:Network", name, {}, opts);

        if (args.availabilityZoneCount < 2) {
            throw new Error(`Network: availabilityZoneCount must be at least 2 (an ALB needs two zones), got ${args.availabilityZoneCount}`);
        }

        if (args.natGateways === "None") {
            // Private subnets then have no route out: instances cannot reach ECS or pull images
            // unless VPC endpoints are added. Allowed for network-only experiments, so warn, not fail.
            pulumi.log.warn("natGateways = None: instances in the private subnets cannot reach ECS or image registries", this);
        }

        const vpc = new awsx.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.cidrBlock,
            numberOfAvailabilityZones: args.availabilityZoneCount,
            // "Auto" lays subnets out in the order given; "Legacy" (the default) is kept only for old stacks.
            subnetStrategy: "Auto",
            subnetSpecs: [
                { type: "Public", name: "public" },
                { type: "Private", name: "private" },
            ],
            natGateways: { strategy: args.natGateways },
            enableDnsHostnames: true,
            enableDnsSupport: true,
        }, { parent: this });

        this.vpcId = vpc.vpcId;
        this.cidrBlock = pulumi.output(args.cidrBlock);
        this.publicSubnetIds = vpc.publicSubnetIds;
        this.privateSubnetIds = vpc.privateSubnetIds;

        this.registerOutputs({
            vpcId: this.vpcId,
            cidrBlock: this.cidrBlock,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
        });
    }
}
