/**
 * A stand-in for an EC2 Auto Scaling group with ECS managed draining. Scale-out launches in the
 * zone with the fewest instances (AZ balance); scale-in picks the zone with the most instances and,
 * within it, the newest instance, sets it DRAINING and terminates it once its tasks are gone (or
 * after a timeout). An instance that is lost is replaced to keep the desired capacity.
 */
import type { Random } from "./random";
import type { InstanceShape } from "./containerInstances";

/** What the group needs from the ECS side. */
export interface InstanceHost {
  readonly nowMs: number;
  readonly random: Random;
  registerContainerInstance(clusterName: string, shape: InstanceShape): string;
  drainInstance(containerInstanceArn: string): void;
  /** Tasks still holding resources on the instance (any status but STOPPED). */
  taskCountOn(containerInstanceArn: string): number;
  /** Terminates the instance: remaining tasks stop at once and it is deregistered. */
  terminateInstance(containerInstanceArn: string): void;
}

export interface AutoScalingGroupOptions {
  zones: string[];
  cpu: number;
  memory: number;
  instanceType?: string;
  /** Seconds from launch to registration; defaults to the simulator's instanceBootSeconds. */
  bootSeconds?: number;
  /** Managed draining gives up and terminates after this long (seconds). */
  drainTimeoutSeconds?: number;
}

export interface GroupMember {
  ec2InstanceId: string;
  zone: string;
  launchedAtMs: number;
  registersAtMs: number;
  containerInstanceArn?: string;
  /** Set when scale-in chose this member: it is DRAINING until empty. */
  terminatingSinceMs?: number;
}

export class AutoScalingGroup {
  private members: GroupMember[] = [];
  private desired = 0;

  constructor(
    private readonly host: InstanceHost,
    readonly clusterName: string,
    private readonly options: Required<Pick<AutoScalingGroupOptions, "bootSeconds" | "drainTimeoutSeconds">> & AutoScalingGroupOptions,
  ) {
    if (options.zones.length === 0) throw new Error("an Auto Scaling group needs at least one zone");
  }

  get desiredCapacity(): number {
    return this.desired;
  }

  setDesiredCapacity(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new Error(`desired capacity ${count}: must be an integer >= 0`);
    this.desired = count;
    while (this.inService().length < count) this.launch();
    while (this.inService().length > count) this.scaleInOne();
  }

  /** Container instance ARNs of registered members not being terminated, oldest first. */
  instances(): string[] {
    return this.inService().flatMap((m) => (m.containerInstanceArn ? [m.containerInstanceArn] : []));
  }

  allMembers(): readonly GroupMember[] {
    return this.members;
  }

  /** The instance vanishes (hardware failure, Spot interruption): tasks stop at once, the group replaces it. */
  loseInstance(containerInstanceArn: string): void {
    const member = this.members.find((m) => m.containerInstanceArn === containerInstanceArn);
    if (!member) throw new Error(`${containerInstanceArn} is not a member of this Auto Scaling group`);
    this.members = this.members.filter((m) => m !== member);
    this.host.terminateInstance(containerInstanceArn);
    while (this.inService().length < this.desired) this.launch();
  }

  /** Registers booted members and terminates drained ones. */
  tick(): void {
    const now = this.host.nowMs;
    for (const member of this.members) {
      if (member.containerInstanceArn || now < member.registersAtMs) continue;
      member.containerInstanceArn = this.host.registerContainerInstance(this.clusterName, {
        zone: member.zone,
        cpu: this.options.cpu,
        memory: this.options.memory,
        instanceType: this.options.instanceType ?? "t3.small",
        ec2InstanceId: member.ec2InstanceId,
      });
    }
    for (const member of this.members.filter((m) => m.terminatingSinceMs !== undefined)) {
      const arn = member.containerInstanceArn as string;
      const timedOut = now - (member.terminatingSinceMs as number) >= this.options.drainTimeoutSeconds * 1000;
      if (this.host.taskCountOn(arn) === 0 || timedOut) {
        this.host.terminateInstance(arn);
        this.members = this.members.filter((m) => m !== member);
      }
    }
  }

  /** No member booting and none draining towards termination. */
  isSettled(): boolean {
    return this.members.every((m) => m.containerInstanceArn !== undefined && m.terminatingSinceMs === undefined);
  }

  private inService(): GroupMember[] {
    return this.members.filter((m) => m.terminatingSinceMs === undefined);
  }

  private countByZone(): Map<string, number> {
    const counts = new Map(this.options.zones.map((z) => [z, 0] as [string, number]));
    for (const m of this.inService()) counts.set(m.zone, (counts.get(m.zone) ?? 0) + 1);
    return counts;
  }

  private launch(): void {
    const counts = this.countByZone();
    // AZ balance: the zone with the fewest instances, first listed on a tie.
    const zone = this.options.zones.reduce((best, z) => ((counts.get(z) ?? 0) < (counts.get(best) ?? 0) ? z : best));
    const now = this.host.nowMs;
    this.members.push({
      ec2InstanceId: `i-${this.host.random.hex(17)}`,
      zone,
      launchedAtMs: now,
      registersAtMs: now + this.options.bootSeconds * 1000,
    });
  }

  private scaleInOne(): void {
    const counts = this.countByZone();
    const most = Math.max(...counts.values());
    const zones = this.options.zones.filter((z) => counts.get(z) === most);
    const zone = this.host.random.pick(zones);
    const inZone = this.inService().filter((m) => m.zone === zone);
    // Newest instance in the zone (the latest launched is last in the list).
    const victim = inZone[inZone.length - 1];
    if (!victim.containerInstanceArn) {
      this.members = this.members.filter((m) => m !== victim);
      return;
    }
    victim.terminatingSinceMs = this.host.nowMs;
    this.host.drainInstance(victim.containerInstanceArn);
  }
}
