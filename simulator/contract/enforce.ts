/**
 * The simulator's protocol edge: ECS admits a call (known operation, authorized, within its rate),
 * then validates the request against the model before acting, so an invalid value is never stored
 * or echoed; it answers a bad parameter with InvalidParameterException (HTTP 400) naming the
 * member. A response outside the model is a simulator bug and fails loudly (ServerException, 500).
 */
import { EcsError, invalidParameter } from "../errors";
import { describeViolations, isCovered, isModelledError, requestViolations, responseViolations } from "./ecsContract";
import { publishExchange, type Exchange } from "./exchangeTap";

export interface ContractSteps {
  /** Unknown operation, access denied, throttling: decided before the request is read. */
  admit: () => void;
  handle: () => unknown;
}

export function answerWithinContract(origin: object, operation: string, request: unknown, steps: ContractSteps): unknown {
  const exchange: Exchange = { origin, operation, request, requestViolations: [], responseViolations: [], unmodelledError: false };
  try {
    steps.admit();
    if (!isCovered(operation)) {
      throw new Error(
        `simulator bug: ${operation} is served but not in the model extract (add it to SERVED_OPERATIONS in scripts/ecsModelExtract.ts, then npm run model:extract)`,
      );
    }
    exchange.requestViolations = requestViolations(operation, request);
    if (exchange.requestViolations.length > 0) throw invalidParameter(describeViolations(exchange.requestViolations));
    const response = steps.handle() ?? {};
    exchange.response = response;
    exchange.responseViolations = responseViolations(operation, response);
    if (exchange.responseViolations.length > 0) {
      throw new Error(
        `simulator bug: the ${operation} response violates the ECS model: ${exchange.responseViolations.map((v) => v.message).join("; ")}`,
      );
    }
    return response;
  } catch (error) {
    const code = error instanceof EcsError ? error.code : "ServerException";
    exchange.error = { code, message: (error as Error).message };
    exchange.unmodelledError = !isModelledError(operation, code);
    throw error;
  } finally {
    publishExchange(exchange);
  }
}

/** For the operator actions that bypass HTTP (scenario set-up): the same request check. */
export function requireValidRequest(operation: string, request: unknown): void {
  const violations = requestViolations(operation, request);
  if (violations.length > 0) throw invalidParameter(`${operation}: ${describeViolations(violations)}`);
}
