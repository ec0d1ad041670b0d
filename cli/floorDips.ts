import type { EcsSimulator } from "../simulator";
import type { SimService } from "../simulator/model";
import { healthyCount, minimumHealthyBase, minimumHealthyCount, ServiceState } from "./minimumHealthy";

/**
 * Time-based floor dips: at each sample, a service's healthy (RUNNING) tasks minus its floor at that
 * moment (from the desired count then, or the surge's `from`). The simulation runner samples every
 * virtual second for its minHealthyHeld verdict; the soak samples every tick and, since a dip can
 * come from anything (a lost instance, a scenario step, ECS's own replacements), judges it against
 * the same scenario under ECS alone, secondary to its write-time check.
 */
export interface FloorSample {
  /** running − floor: negative is below the minimum healthy count. */
  margin: number;
  running: number;
  floor: number;
  n: number;
  desiredCount: number;
  step: number;
  /** Simulated seconds into the step. */
  seconds: number;
}

/** A spell below the floor: from the first sample below it to the next one at or above it. */
export interface FloorDip {
  service: string;
  start: { step: number; seconds: number };
  /** The deepest sample, the first time that depth was reached. */
  worst: FloorSample;
  /** The deepest sample was taken right after the instance was lost (same step, same tick). */
  atInstanceLoss: boolean;
}

export class FloorDips {
  /** Per service, the lowest margin over the run (the first sample to reach it). */
  readonly lowest: Record<string, FloorSample> = {};
  readonly dips: FloorDip[] = [];
  private readonly open = new Map<string, FloorDip>();
  /** Per service, the count its floor was last taken from. */
  private readonly reference = new Map<string, number>();

  sample(name: string, service: ServiceState, at: { step: number; seconds: number; isInstanceLossTick: boolean }): FloorSample {
    const running = healthyCount(service.tasks);
    const n = this.floorBase(name, minimumHealthyBase(service.desiredCount, service.tags, service.identity), running);
    const floor = minimumHealthyCount(n, service.minimumHealthyPercent);
    const sample = { margin: running - floor, running, floor, n, desiredCount: service.desiredCount, step: at.step, seconds: at.seconds };
    if (!(name in this.lowest) || sample.margin < this.lowest[name].margin) this.lowest[name] = sample;
    const dip = this.open.get(name);
    if (sample.margin >= 0) {
      this.open.delete(name);
    } else if (!dip) {
      const started = {
        service: name,
        start: { step: at.step, seconds: at.seconds },
        worst: sample,
        atInstanceLoss: at.isInstanceLossTick,
      };
      this.open.set(name, started);
      this.dips.push(started);
    } else if (sample.margin < dip.worst.margin) {
      dip.worst = sample;
      dip.atInstanceLoss = at.isInstanceLossTick;
    }
    return sample;
  }

  /**
   * A lowered desired count lowers the floor at once. A raised one raises it only once that many
   * tasks run: new tasks take time to start, and a service that is growing is not below its floor.
   */
  private floorBase(name: string, base: number, running: number): number {
    const previous = this.reference.get(name);
    const n = previous === undefined || base <= previous || running >= base ? base : previous;
    this.reference.set(name, n);
    return n;
  }
}

/** Our dips deeper than anything the same scenario saw under ECS alone, for that service. */
export function dipsBelowEcsAlone(ours: FloorDips, alone: FloorDips): FloorDip[] {
  return ours.dips.filter((d) => d.worst.margin < (alone.lowest[d.service]?.margin ?? Infinity));
}

/** A service as the simulator holds it now, in the terms of minimumHealthy.ts. */
export function serviceState(sim: EcsSimulator, service: SimService): ServiceState {
  return {
    tasks: service.tasks,
    desiredCount: service.desiredCount,
    minimumHealthyPercent: service.deploymentConfiguration.minimumHealthyPercent,
    tags: sim.state.tags.get(service.arn) ?? [],
    identity: { arn: service.arn, createdAtMs: service.createdAtMs },
  };
}

/** Samples every ACTIVE REPLICA service of the cluster once; returns the samples by service name. */
export function sampleServices(
  sim: EcsSimulator,
  clusterName: string,
  dips: FloorDips,
  at: { step: number; seconds: number; isInstanceLossTick: boolean },
): Map<string, FloorSample> {
  const samples = new Map<string, FloorSample>();
  for (const service of sim.state.cluster(clusterName).services.values()) {
    if (service.status !== "ACTIVE" || service.schedulingStrategy !== "REPLICA") continue;
    samples.set(service.name, dips.sample(service.name, serviceState(sim, service), at));
  }
  return samples;
}
