/**
 * EventBridge envelopes for "ECS Container Instance State Change" and "ECS Task State Change".
 * Delivery is at least once and may be out of order; the duplicate and reorder faults model that.
 */
import type { Random } from "./random";

export type EcsDetailType = "ECS Container Instance State Change" | "ECS Task State Change" | "ECS Service Action";

export interface EcsEvent {
  version: "0";
  id: string;
  "detail-type": EcsDetailType;
  source: "aws.ecs";
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** The envelope EventBridge wraps around an ECS event, at the simulator's current virtual time. */
export function envelope(
  at: { accountId: string; region: string; nowMs: number },
  detailType: EcsDetailType,
  resource: string,
  detail: Record<string, unknown>,
): Omit<EcsEvent, "version" | "id" | "source"> {
  return {
    "detail-type": detailType,
    account: at.accountId,
    time: new Date(at.nowMs).toISOString(),
    region: at.region,
    resources: [resource],
    detail,
  };
}

export interface EventFaults {
  duplicateEventRate: number;
  reorderEvents: boolean;
}

export class EventQueue {
  private queue: EcsEvent[] = [];

  constructor(
    private readonly random: () => Random,
    private readonly faults: EventFaults,
  ) {}

  publish(envelope: Omit<EcsEvent, "version" | "id" | "source">): void {
    const event: EcsEvent = { version: "0", id: this.random().uuid(), source: "aws.ecs", ...envelope };
    this.queue.push(event);
    // At-least-once delivery: a duplicate is the same event again (same id and detail.version).
    if (this.random().chance(this.faults.duplicateEventRate)) this.queue.push(structuredClone(event));
  }

  /** Returns the queued events and clears the queue. */
  take(): EcsEvent[] {
    const events = this.queue;
    this.queue = [];
    return this.faults.reorderEvents ? this.random().shuffle(events) : events;
  }

  get size(): number {
    return this.queue.length;
  }
}
