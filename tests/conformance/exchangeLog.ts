/**
 * Records the simulator's API exchanges and what the official model says about them: a request
 * it rejected as invalid, a response outside the model, or an error the operation does not model.
 * The whole `npm test` run is recorded (rootHooks.ts); a spec can also record its own stretch.
 */
import { tapExchanges, type Exchange } from "../../simulator/contract/exchangeTap";

export interface ConformanceLog {
  /** Per operation: requests and responses checked against the model. */
  checked: Record<string, { requests: number; responses: number }>;
  violations: string[];
}

/** Simulators fed invalid requests or responses on purpose (the enforcement spec): their exchanges are not judged. */
const deliberate = new WeakSet<object>();

export function expectRejectedRequests(origin: object): void {
  deliberate.add(origin);
}

export function describeViolations(exchange: Exchange): string[] {
  const where = (kind: string, detail: string) => `${exchange.operation} ${kind}: ${detail}`;
  return [
    ...exchange.requestViolations.map((v) => where("request", v.message)),
    ...exchange.responseViolations.map((v) => where("response", v.message)),
    ...(exchange.unmodelledError ? [where("error", `${exchange.error?.code} is not modelled for the operation`)] : []),
  ];
}

/** Starts recording; the returned function stops and returns what was recorded. */
export function recordExchanges(): () => ConformanceLog {
  const log: ConformanceLog = { checked: {}, violations: [] };
  const stop = tapExchanges((exchange) => {
    if (deliberate.has(exchange.origin)) return;
    const counts = (log.checked[exchange.operation] ??= { requests: 0, responses: 0 });
    counts.requests++;
    if (exchange.response !== undefined) counts.responses++;
    log.violations.push(...describeViolations(exchange));
  });
  return () => {
    stop();
    return log;
  };
}

export function summarize(log: ConformanceLog): string {
  const operations = Object.keys(log.checked).length;
  const requests = Object.values(log.checked).reduce((n, c) => n + c.requests, 0);
  const responses = Object.values(log.checked).reduce((n, c) => n + c.responses, 0);
  return `${requests} requests and ${responses} responses over ${operations} operations checked against the ECS model: ${log.violations.length} violations`;
}
