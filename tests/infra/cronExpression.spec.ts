import { strict as assert } from "node:assert";
import { cronProblem } from "../../infra/cronExpression";

describe("infra/cronExpression: EventBridge's cron rules", () => {
  const accepted = [
    "0/10 * * * ? *",
    "0 12 * * ? *",
    "15 10 ? * 6L 2026-2030",
    "0 18 ? * MON-FRI *",
    "0 8 1 * ? *",
    "0/5 8-17 ? * MON-FRI *",
    "0 9 ? * 2#1 *",
    "0 0 L * ? *",
    "0 0 15W * ? *",
    "30 1 ? JAN,JUL SUN *",
  ];
  for (const fields of accepted) {
    it(`cron(${fields}) → accepted`, () => assert.equal(cronProblem(fields), undefined));
  }

  const rejected: Array<[string, RegExp]> = [
    ["* * * * * *", /exactly one of day-of-month and day-of-week must be \?/],
    ["0 12 1 * MON *", /exactly one of day-of-month and day-of-week must be \?/],
    ["0 12 ? * ? *", /exactly one of day-of-month and day-of-week must be \?/],
    ["0 12 * * ?", /has 5 fields/],
    ["60 * * * ? *", /minutes "60": "60" is outside 0-59/],
    ["0 24 * * ? *", /hours "24"/],
    ["0 0 32 * ? *", /day-of-month "32"/],
    ["0 0 ? 13 MON *", /month "13"/],
    ["0 0 ? * 8 *", /day-of-week "8"/],
    ["0 0 ? * FOO *", /day-of-week "FOO"/],
    ["0 0 * * ? 1969", /year "1969"/],
    ["0/0 * * * ? *", /minutes "0\/0": "0\/0" has an invalid increment/],
    ["? * * * ? *", /minutes "\?": \? is allowed only in day-of-month or day-of-week/],
    ["1-2-3 * * * ? *", /not a value or a range/],
  ];
  for (const [fields, problem] of rejected) {
    it(`cron(${fields}) → ${problem.source}`, () => assert.match(cronProblem(fields) ?? "accepted", problem));
  }
});
