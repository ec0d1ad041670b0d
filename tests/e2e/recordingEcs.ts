import * as http from "http";
import { AddressInfo } from "net";
import { Snapshot } from "../../handler/snapshot";
import { requestViolations, responseViolations } from "../../simulator/contract/ecsContract";

/**
 * A minimal ECS endpoint that answers the read calls from a fixed snapshot and records every call,
 * for checking what the serialized Lambda does over the real SDK and wire protocol. It models no
 * ECS behaviour (the simulator does that); writes are recorded and acknowledged.
 */
export interface RecordedCall {
  operation: string;
  body: Record<string, any>;
  /** The request and the answer checked against the official ECS model (the fake must answer as ECS could). */
  violations: string[];
}

export async function startRecordingEcs(
  snapshot: Snapshot,
  options: { throttleFirst?: number } = {},
): Promise<{ endpoint: string; calls: RecordedCall[]; close: () => Promise<void> }> {
  const calls: RecordedCall[] = [];
  let throttlesLeft = options.throttleFirst ?? 0;
  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      const operation =
        String(req.headers["x-amz-target"] ?? "")
          .split(".")
          .pop() ?? "";
      const body = raw ? JSON.parse(raw) : {};
      const text = JSON.stringify(answer(snapshot, operation, body), (_k, v) => (isIsoDate(v) ? Date.parse(v) / 1000 : v));
      const violations = [...requestViolations(operation, body), ...responseViolations(operation, JSON.parse(text))].map(
        (v) => `${operation}: ${v.message}`,
      );
      calls.push({ operation, body, violations });
      res.setHeader("content-type", "application/x-amz-json-1.1");
      if (throttlesLeft-- > 0) {
        // ECS's throttling answer: HTTP 400 with the ThrottlingException type
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }));
        return;
      }
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function answer(snapshot: Snapshot, operation: string, body: Record<string, any>): unknown {
  const pick = <T>(items: T[], key: keyof T, arns: string[]) => items.filter((i) => arns.includes(i[key] as string));
  switch (operation) {
    case "ListContainerInstances":
      return { containerInstanceArns: snapshot.containerInstances.map((i) => i.containerInstanceArn) };
    case "ListServices":
      return { serviceArns: snapshot.services.map((s) => s.serviceArn) };
    case "ListTasks":
      return { taskArns: snapshot.tasks.map((t) => t.taskArn) };
    case "DescribeContainerInstances":
      return { containerInstances: pick(snapshot.containerInstances, "containerInstanceArn", body.containerInstances), failures: [] };
    case "DescribeServices":
      return { services: pick(snapshot.services, "serviceArn", body.services), failures: [] };
    case "DescribeTasks":
      return { tasks: pick(snapshot.tasks, "taskArn", body.tasks), failures: [] };
    case "DescribeTaskDefinition":
      return { taskDefinition: snapshot.taskDefinitions.find((d) => d.taskDefinitionArn === body.taskDefinition) };
    default:
      return {};
  }
}

function isIsoDate(value: unknown): value is string {
  return typeof value === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(value);
}
