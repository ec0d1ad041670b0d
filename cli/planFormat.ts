import type { ContainerInstance } from "@aws-sdk/client-ecs";
import { WaveReport } from "../handler/executor";
import { Plan } from "../handler/planner";
import { Snapshot } from "../handler/snapshot";
import { loadBarLines } from "./loadBars";

/** The plan as `--json` prints it: ARNs throughout, `to` null where ECS chooses, and each instance's load before and after. */
export function planJson(plan: Plan) {
  return {
    clusterArn: plan.clusterArn,
    // landsOn: a coin-flip load move's instances, every one ECS may put the started task on;
    // filler: a task started in a tied zone only so that the service's load move lands, given up again;
    // withNext: lands only in one surge with the service's next move (the executor takes them whole);
    // pin: the EC2 instance ID the started task is pinned to while its surge lasts (surgePin.ts)
    moves: plan.moves.map(({ service, serviceName, taskArn, from, to, pass, landsOn, filler, withNext, pin }) => ({
      service,
      serviceName,
      taskArn,
      from,
      to,
      pass,
      ...(landsOn ? { landsOn } : {}),
      ...(filler ? { filler } : {}),
      ...(withNext ? { withNext } : {}),
      ...(pin ? { pin } : {}),
    })),
    surges: plan.surges.map((s) => ({
      kind: s.kind,
      service: s.service,
      serviceName: s.serviceName,
      ...("surge" in s ? { restoreDesiredCount: s.surge.from } : {}),
      ...(s.restoreConstraints ? { restorePlacementConstraints: s.restoreConstraints } : {}),
      ...(s.kind === "complete" ? { stop: s.stop.map((m) => m.taskArn) } : { detail: s.detail }),
    })),
    skipped: plan.skipped.map(({ service, serviceName, reason, detail }) => ({ service, serviceName, reason, detail })),
    balanced: plan.balanced,
    // per instance: task count, and reserved CPU and memory as shares of what it registers
    load: plan.load,
  };
}

/** The plan as a person reads it: instances by EC2 id and zone, tasks by their short id. */
export function planText(plan: Plan, snapshot: Snapshot): string {
  const name = instanceNamer(snapshot.containerInstances);
  const lines = [`Cluster ${plan.clusterArn}`, ""];
  const fillers = plan.moves.filter((m) => m.filler).length;
  lines.push(
    `Moves: ${plan.moves.length - fillers}${fillers ? ` (and ${fillers} filler${fillers === 1 ? "" : "s"}: started only so that a surge lands)` : ""}`,
  );
  lines.push(
    ...table(
      ["SERVICE", "TASK", "FROM", "TO", "PASS"],
      plan.moves.map((m) => [
        m.serviceName,
        shortId(m.taskArn),
        name(m.from),
        m.filler
          ? // the completion gives the filler up, or keeps it and stops the named task where ECS put it on a lighter instance
            `${(m.landsOn ?? [m.to!]).map(name).join(" or ")} (filler: given up, unless it lands lighter than ${name(m.from)})`
          : m.landsOn
            ? `${m.landsOn.map(name).join(" or ")} (coin flip)`
            : m.pin
              ? `${name(m.to!)} (pinned)`
              : m.to
                ? name(m.to)
                : `ECS chooses in ${m.toGroup.join("/") || "cluster"}`,
        m.withNext ? `${m.pass} (one surge with the next)` : m.pass,
      ]),
    ),
  );
  if (plan.surges.length > 0) {
    lines.push("", `Surges in flight: ${plan.surges.length}`);
    lines.push(
      ...table(
        ["SERVICE", "ACTION", "DETAIL"],
        plan.surges.map((s) => [
          s.serviceName,
          s.kind,
          (s.kind === "complete" ? `stop ${s.stop.length}, restore ${s.surge.from}` : s.detail) +
            (s.restoreConstraints ? "; its pin removed" : ""),
        ]),
      ),
    );
  }
  lines.push("", `Skipped: ${plan.skipped.length}`);
  lines.push(
    ...table(
      ["SERVICE", "REASON", "DETAIL"],
      plan.skipped.map((s) => [s.serviceName, s.reason, s.detail]),
    ),
  );
  const balanced = snapshot.services.filter((s) => plan.balanced.includes(s.serviceArn!)).map((s) => s.serviceName);
  lines.push("", `Already balanced: ${balanced.length}${balanced.length ? ` (${balanced.join(", ")})` : ""}`);
  lines.push("", ...loadBarLines(plan.load, snapshot.containerInstances));
  return lines.join("\n");
}

export function waveText(wave: WaveReport): string {
  const lines = [`${wave.dryRun ? "Dry run: would do" : "Done"}: ${wave.actions.length} action(s), ${wave.deferred} move(s) deferred`];
  lines.push(
    ...table(
      ["SERVICE", "ACTION", "TASKS", "DESIRED"],
      wave.actions.map((a) => [
        a.serviceName,
        a.kind,
        a.tasks.map(shortId).join(" ") || "-",
        a.desiredCount === undefined ? "-" : String(a.desiredCount),
      ]),
    ),
  );
  for (const error of wave.errors) lines.push(`error: ${error.service}: ${error.message}`);
  return lines.join("\n");
}

function instanceNamer(instances: ContainerInstance[]): (arn: string) => string {
  const names = new Map(
    instances.map((i) => {
      const zone = i.attributes?.find((a) => a.name === "ecs.availability-zone")?.value ?? "?";
      return [i.containerInstanceArn!, `${i.ec2InstanceId ?? shortId(i.containerInstanceArn!)} (${zone})`];
    }),
  );
  return (arn) => names.get(arn) ?? shortId(arn);
}

export function shortId(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1).slice(0, 12);
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "  " +
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
