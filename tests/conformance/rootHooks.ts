/**
 * Mocha root hooks (loaded by .mocharc.json): every exchange with the simulator during the whole
 * run is checked against the official ECS model, and the run fails if any violated it.
 */
import { recordExchanges, summarize, type ConformanceLog } from "./exchangeLog";

let stop: (() => ConformanceLog) | undefined;

export const mochaHooks = {
  beforeAll(): void {
    stop = recordExchanges();
  },
  afterAll(): void {
    const log = stop?.();
    if (!log) return;
    process.stdout.write(`\n  conformance: ${summarize(log)}\n`);
    if (log.violations.length > 0) {
      const listed = [...new Set(log.violations)].slice(0, 20).join("\n    ");
      throw new Error(`exchanges with the simulator violated the ECS model:\n    ${listed}`);
    }
  },
};
