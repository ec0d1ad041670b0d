/**
 * An error the ECS API answers with: the JSON 1.1 protocol sends `{"__type": code, "message": ...}`
 * and the SDK turns `code` into the thrown error's `name`.
 */
export type EcsErrorCode =
  | "ClientException"
  | "InvalidParameterException"
  | "ClusterNotFoundException"
  | "ServiceNotFoundException"
  | "ServiceNotActiveException"
  | "ThrottlingException"
  | "AccessDeniedException"
  | "UnknownOperationException"
  | "ServerException";

export class EcsError extends Error {
  constructor(
    readonly code: EcsErrorCode,
    message: string,
    readonly httpStatus: number = code === "ServerException" ? 500 : 400,
  ) {
    super(message);
    this.name = code;
  }
}

export function invalidParameter(message: string): EcsError {
  return new EcsError("InvalidParameterException", message);
}

export function clientError(message: string): EcsError {
  return new EcsError("ClientException", message);
}
