/**
 * Every API exchange the simulator answers, offered to listeners (the conformance spec records
 * them). Only the simulator publishes; listeners must not change what they are given.
 */
import type { Violation } from "./shapeCheck";

export interface Exchange {
  /** The simulator that answered, so a spec can tell its own exchanges apart. */
  origin: object;
  operation: string;
  request: unknown;
  /** The response body, or undefined when an error was answered. */
  response?: unknown;
  error?: { code: string; message: string };
  requestViolations: Violation[];
  responseViolations: Violation[];
  /** The error answered is neither modelled for the operation nor a common AWS error. */
  unmodelledError: boolean;
}

export type ExchangeListener = (exchange: Exchange) => void;

const listeners = new Set<ExchangeListener>();

/** Adds a listener; returns the function that removes it. */
export function tapExchanges(listener: ExchangeListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isTapped(): boolean {
  return listeners.size > 0;
}

export function publishExchange(exchange: Exchange): void {
  for (const listener of listeners) listener(exchange);
}
