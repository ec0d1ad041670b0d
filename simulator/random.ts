/**
 * Seeded pseudo-random source (mulberry32). Every random choice the simulator makes (tie-breaks,
 * ids, faults) comes from here, so a seed reproduces a run exactly.
 */
export class Random {
  private state: number;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An independent stream, seeded from this one's seed (not from its position). */
  derive(): Random {
    return new Random((this.seed ^ 0x9e3779b9) >>> 0);
  }

  /** True with probability p (p <= 0 never draws, so a disabled fault does not shift the sequence). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Random.pick needs a non-empty list");
    return items[this.int(items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  hex(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += this.int(16).toString(16);
    return out;
  }

  /** A version-4-shaped UUID (EventBridge event ids, deployment ids). */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((this.int(4) + 8) >>> 0).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
