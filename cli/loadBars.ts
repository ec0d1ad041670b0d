import type { ContainerInstance } from "@aws-sdk/client-ecs";
import { InstanceLoad } from "../handler/ledger";
import { LoadReport, ZoneLoad } from "../handler/clusterLoad/loadReport";

const WIDTH = 40;

/**
 * Each instance's load before and after the plan as text bars, zone by zone, with the zone's band:
 * the task counts from `low` to `high` are within the tolerance of the zone's average.
 */
export function loadBarLines(load: LoadReport, instances: ContainerInstance[]): string[] {
  if (load.zones.length === 0) return [];
  const names = new Map(instances.map((i) => [i.containerInstanceArn!, i.ec2InstanceId ?? i.containerInstanceArn!.slice(-12)]));
  const most = Math.max(1, ...load.zones.flatMap((z) => z.instances.flatMap((i) => [i.before.tasks, i.after.tasks])));
  const perMark = Math.ceil(most / WIDTH);
  const lines = [
    load.bandTasks === 0
      ? "Instance load (tasks): the load pass is off (band 0)"
      : `Instance load (tasks): in band when strictly within ${load.bandTasks} of the zone's average${perMark > 1 ? `; ■ = ${perMark} tasks` : ""}`,
  ];
  if (load.held) lines.push(`  load pass held: ${load.held}`);
  if (load.unlandable) {
    const { "coin-flip": coinFlip, "other-zone-emptier": otherZone, "zone-tie": tie } = load.unlandable;
    lines.push(
      `  not planned, would not land: ${coinFlip} where ECS would pick at random between unequal instances, ` +
        `${otherZone} where another zone holds fewer of the service's tasks, ${tie} where ECS would pick at random between zones`,
    );
  }
  for (const zone of load.zones) lines.push(...zoneLines(zone, names, perMark, load.bandTasks > 0));
  return lines;
}

function zoneLines(zone: ZoneLoad, names: Map<string, string>, perMark: number, banded: boolean): string[] {
  const header = banded
    ? `  ${zone.zone}: average ${zone.average.toFixed(1)}, band ${zone.low}–${zone.high}`
    : `  ${zone.zone}: average ${zone.average.toFixed(1)}`;
  const width = Math.max(...[...names.values()].map((n) => n.length));
  const lines = [header];
  for (const instance of zone.instances) {
    const name = (names.get(instance.containerInstanceArn) ?? instance.containerInstanceArn).padEnd(width);
    lines.push(`    ${name}  before ${bar(instance.before, zone, perMark, banded)}`);
    lines.push(`    ${" ".repeat(width)}  after  ${bar(instance.after, zone, perMark, banded)}`);
  }
  return lines;
}

/** `■` per task up to the band's top, `▲` beyond it (over), the band's range marked by `|` after the bar. */
function bar(load: InstanceLoad, zone: ZoneLoad, perMark: number, banded: boolean): string {
  const marks = Math.ceil(load.tasks / perMark);
  const top = banded ? Math.ceil(zone.high / perMark) : marks;
  const text = "■".repeat(Math.min(marks, top)) + "▲".repeat(Math.max(0, marks - top));
  const state = !banded ? "" : load.tasks > zone.high ? "  over" : load.tasks < zone.low ? "  under" : "";
  const shares = `cpu ${percent(load.cpuShare)}, memory ${percent(load.memoryShare)}`;
  return `${text.padEnd(Math.ceil(Math.max(zone.high, ...zone.instances.flatMap((i) => [i.before.tasks, i.after.tasks])) / perMark))} ${String(load.tasks).padStart(3)} (${shares})${state}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
