/**
 * The HTTP face of the simulator: the AWS JSON 1.1 protocol as the ECS SDK speaks it.
 * `POST /` with `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>`; errors are
 * `{"__type": code, "message": ...}` with HTTP 400 (500 for ServerException). Any credentials
 * and signature are accepted. Binds 127.0.0.1 only.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { EcsError } from "./errors";

export const TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
const CONTENT_TYPE = "application/x-amz-json-1.1";

export type OperationHandler = (operation: string, input: Record<string, unknown>) => unknown;

export class ApiServer {
  private readonly server: http.Server;
  private address?: string;
  private requestCount = 0;
  private openRequests = 0;

  constructor(
    private readonly handle: OperationHandler,
    private readonly faults: { latencyMs: number },
  ) {
    this.server = http.createServer((req, res) => void this.serve(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  get url(): string {
    if (!this.address) throw new Error("the simulator is not listening");
    return this.address;
  }

  listen(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        const bound = this.server.address() as AddressInfo;
        this.address = `http://127.0.0.1:${bound.port}`;
        resolve(this.address);
      });
    });
  }

  /** Requests received so far, and those not yet answered (virtual time waits while any is open). */
  get activity(): { received: number; open: number } {
    return { received: this.requestCount, open: this.openRequests };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = `00000000-0000-4000-8000-${String(++this.requestCount).padStart(12, "0")}`;
    this.openRequests++;
    res.once("close", () => this.openRequests--);
    const body = await readBody(req);
    if (this.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, this.faults.latencyMs));
    try {
      const operation = operationOf(req);
      const result = this.handle(operation, parseJson(body));
      send(res, 200, result ?? {}, requestId);
    } catch (error) {
      const ecsError = error instanceof EcsError ? error : new EcsError("ServerException", String((error as Error).message ?? error));
      send(res, ecsError.httpStatus, { __type: ecsError.code, message: ecsError.message }, requestId, ecsError.code);
    }
  }
}

function operationOf(req: http.IncomingMessage): string {
  const target = String(req.headers["x-amz-target"] ?? "");
  if (req.method !== "POST" || !target.startsWith(TARGET_PREFIX)) {
    throw new EcsError("UnknownOperationException", `Expected POST with X-Amz-Target ${TARGET_PREFIX}<Operation>`);
  }
  return target.slice(TARGET_PREFIX.length);
}

function parseJson(body: string): Record<string, unknown> {
  if (body.trim() === "") return {};
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new EcsError("ClientException", "The request body is not valid JSON.");
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, payload: unknown, requestId: string, errorType?: string): void {
  const text = JSON.stringify(payload);
  const headers: http.OutgoingHttpHeaders = {
    "content-type": CONTENT_TYPE,
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": requestId,
  };
  if (errorType) headers["x-amzn-errortype"] = errorType;
  res.writeHead(status, headers);
  res.end(text);
}
