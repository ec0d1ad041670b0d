/**
 * EventBridge's cron rules (Amazon EventBridge user guide, "Cron expressions"), so that a schedule
 * EventBridge would reject fails at `pulumi preview` with one line instead of at PutRule:
 * six fields, minutes hours day-of-month month day-of-week year; in each, `,` lists, `-` ranges,
 * `*` any, `/` increments; `?` only in day-of-month or day-of-week, and exactly one of those two
 * must be `?` (EventBridge cannot take both); `L` and `W` in day-of-month, `L` and `#` in day-of-week.
 */
interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const FIELDS: Field[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS },
  { name: "year", min: 1970, max: 2199 },
];

/** Why EventBridge would reject `cron(<fields>)`, or undefined when it accepts it. */
export function cronProblem(fields: string): string | undefined {
  const parts = fields.trim().split(/\s+/);
  if (parts.length !== 6) return `has ${parts.length} fields; EventBridge takes 6 (minutes hours day-of-month month day-of-week year)`;
  const [, , dayOfMonth, , dayOfWeek] = parts;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return "exactly one of day-of-month and day-of-week must be ?, since EventBridge cannot take both";
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = fieldProblem(parts[i], FIELDS[i]);
    if (problem) return `${FIELDS[i].name} "${parts[i]}": ${problem}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: Field): string | undefined {
  if (text === "?")
    return field.name === "day-of-month" || field.name === "day-of-week" ? undefined : "? is allowed only in day-of-month or day-of-week";
  if (field.name === "day-of-month" && /^(L|LW|([1-9]|[12]\d|3[01])W)$/.test(text)) return undefined;
  if (field.name === "day-of-week" && /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5])$|^L$/.test(text)) return undefined;
  for (const item of text.split(",")) {
    const problem = itemProblem(item, field);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(item: string, field: Field): string | undefined {
  const [range, step, ...extra] = item.split("/");
  if (extra.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) return `"${item}" has an invalid increment`;
  if (range === "*") return undefined;
  const ends = range.split("-");
  if (ends.length > 2) return `"${item}" is not a value or a range`;
  const values = ends.map((end) => valueOf(end, field));
  if (values.some((v) => v === undefined)) return `"${item}" is outside ${field.min}-${field.max}`;
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
