import * as assert from "assert";
import { withConsoleOnStderr } from "../../cli/consoleOnStderr";

describe("cli: console output while a command works", () => {
  it("console.log/info/warn/debug inside go to stderr, stdout stays empty, and console is restored after", async () => {
    let stdout = "";
    let stderr = "";
    const write = { out: process.stdout.write, err: process.stderr.write };
    process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
    const log = console.log;
    try {
      const result = await withConsoleOnStderr(async () => {
        console.log(JSON.stringify({ level: "error", message: "write failed" }));
        console.info("info");
        console.warn("warn", { n: 1 });
        console.debug("debug");
        return 7;
      });
      assert.strictEqual(result, 7);
    } finally {
      process.stdout.write = write.out;
      process.stderr.write = write.err;
    }
    assert.strictEqual(stdout, "");
    assert.strictEqual(stderr, '{"level":"error","message":"write failed"}\ninfo\nwarn {"n":1}\ndebug\n');
    assert.strictEqual(console.log, log);
  });
});
