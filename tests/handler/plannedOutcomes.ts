import * as assert from "assert";
import { SkipCode } from "../../handler/eligibility";
import { Plan, planMoves } from "../../handler/planner";
import { Snapshot } from "../../handler/snapshot";

/** Plans with the default options and checks the planner's promise: every service ends in exactly one outcome. */
export function planEveryService(snapshot: Snapshot, now: Date, surgeTimeoutSeconds: number): Plan {
  const result = planMoves(snapshot, { now, surgeTimeoutSeconds });
  const outcomes = [
    ...new Set(result.moves.map((m) => m.service)),
    ...result.surges.map((s) => s.service),
    ...result.skipped.map((s) => s.service),
    ...result.balanced,
  ].sort();
  assert.deepStrictEqual(outcomes, snapshot.services.map((s) => s.serviceArn!).sort(), "one outcome per service");
  return result;
}

export function skipOf(result: Plan, name: string): SkipCode | undefined {
  return result.skipped.find((s) => s.serviceName === name)?.reason;
}

/** Instance index of an ARN built by the fixtures. */
export function instanceIndex(arn: string | null): number | null {
  return arn === null ? null : Number(arn.slice(-32));
}
