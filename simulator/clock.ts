/**
 * A virtual clock: simulated time moves only when the simulator advances it, so a run of
 * hours of ECS behaviour takes milliseconds and is reproducible.
 */
export class VirtualClock {
  private currentMs: number;

  constructor(startMs: number = Date.UTC(2024, 0, 1, 0, 0, 0)) {
    this.currentMs = startMs;
  }

  get nowMs(): number {
    return this.currentMs;
  }

  get now(): Date {
    return new Date(this.currentMs);
  }

  advanceMs(ms: number): void {
    if (!(ms >= 0)) throw new Error(`virtual clock cannot move backwards (asked ${ms} ms)`);
    this.currentMs += ms;
  }
}
