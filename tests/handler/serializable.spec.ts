import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

/**
 * Pulumi serializes the engine into the Lambda by value. Module-level Maps, Sets and Dates do not
 * survive that (a Set becomes `{}`), so the engine keeps only plain values at module level.
 */
describe("handler/ is serializable by value", () => {
  const dir = path.join(__dirname, "..", "..", "handler");
  // every folder of the engine (the passes live in subfolders)
  const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));
  it("finds the engine's files, subfolders included", () => assert.ok(files.some((f) => f.includes(path.sep))));
  for (const file of files) {
    it(`${file} holds no Map, Set or Date at module level`, () => {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      const offending = source
        .split("\n")
        .filter((line) => /^(export )?(const|let|var) /.test(line) && /new (Map|Set|Date|WeakMap)\b/.test(line));
      assert.deepStrictEqual(offending, []);
    });
    it(`${file} imports nothing from Pulumi, infra/, simulator/ or cli/`, () => {
      const source = fs.readFileSync(path.join(dir, file), "utf8");
      const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
      assert.deepStrictEqual(
        imports.filter((i) => /@pulumi|\.\.\/(infra|simulator|cli)/.test(i)),
        [],
      );
    });
  }
});
