import * as assert from "assert";
import type { Task } from "@aws-sdk/client-ecs";
import { pickLeavingTasks, tasksInLeavingOrder } from "../../handler/leavingTask";

const task = (arn: string, lastStatus: string, startedSecond?: number): Task => ({
  taskArn: arn,
  lastStatus,
  startedAt: startedSecond === undefined ? undefined : new Date(Date.UTC(2026, 0, 1, 0, 0, startedSecond)),
});

describe("leavingTask: which task leaves an instance (every pass)", () => {
  const cases: Array<[string, Task[], string[]]> = [
    [
      "a task not RUNNING yet leaves before RUNNING ones (it serves no traffic)",
      [task("old", "RUNNING", 1), task("pending", "PENDING")],
      ["pending", "old"],
    ],
    [
      "an UNHEALTHY task leaves before healthy ones, even older (ECS does not count it toward minimum healthy)",
      [task("young", "RUNNING", 9), { ...task("sick", "RUNNING", 1), healthStatus: "UNHEALTHY" }],
      ["sick", "young"],
    ],
    [
      "of RUNNING tasks, the youngest leaves first",
      [task("a", "RUNNING", 1), task("b", "RUNNING", 9), task("c", "RUNNING", 5)],
      ["b", "c", "a"],
    ],
    ["equal start times: by task ARN, so every run plans the same", [task("y", "RUNNING", 3), task("x", "RUNNING", 3)], ["x", "y"]],
  ];
  for (const [name, tasks, order] of cases) {
    it(name, () =>
      assert.deepStrictEqual(
        tasksInLeavingOrder(tasks).map((t) => t.taskArn),
        order,
      ),
    );
  }

  it("picks the first n, and never more than there are", () => {
    const tasks = [task("a", "RUNNING", 1), task("b", "RUNNING", 2)];
    assert.deepStrictEqual(
      pickLeavingTasks(tasks, 1).map((t) => t.taskArn),
      ["b"],
    );
    assert.strictEqual(pickLeavingTasks(tasks, 5).length, 2);
    assert.strictEqual(pickLeavingTasks(tasks, -1).length, 0);
  });
});
