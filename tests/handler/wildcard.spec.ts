import * as assert from "assert";
import fc from "fast-check";
import { compileExpression, compileWildcard } from "../../handler/placementConstraint";

/** The reference: a plain dynamic-programming glob matcher (`*` any run, all else literal), O(|p| x |v|). */
function referenceMatch(pattern: string, value: string): boolean {
  let row = Array.from({ length: value.length + 1 }, (_, j) => j === 0);
  for (const ch of pattern) {
    const next = new Array<boolean>(value.length + 1).fill(false);
    next[0] = ch === "*" && row[0];
    for (let j = 1; j <= value.length; j++) next[j] = ch === "*" ? row[j] || next[j - 1] : row[j - 1] && value[j - 1] === ch;
    row = next;
  }
  return row[value.length];
}

describe("placementConstraint: =~ wildcards without backtracking", () => {
  const cases: Array<[string, string, boolean]> = [
    ["t3.*", "t3.small", true],
    ["*.large", "m5.large", true],
    ["*", "", true],
    ["a*a", "a", false],
    ["ab*ba", "aba", false],
    ["ab*ba", "abba", true],
    ["*a*b*", "xxbxxa", false],
    ["t3.small", "t3.small", true],
    ["t3.?mall", "t3.small", false],
    ["a**b", "ab", true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`"${pattern}" against "${value}" → ${expected}`, () => assert.strictEqual(compileWildcard(pattern)!(value), expected));
  }

  it("agrees with a straightforward matcher on random patterns and values (small alphabets make near-misses common)", () => {
    const text = (chars: string[], max: number) => fc.array(fc.constantFrom(...chars), { maxLength: max }).map((a) => a.join(""));
    fc.assert(
      fc.property(text(["a", "b", "*", "."], 12), text(["a", "b", "."], 16), (pattern, value) => {
        assert.strictEqual(compileWildcard(pattern)!(value), referenceMatch(pattern, value), `"${pattern}" vs "${value}"`);
      }),
      { numRuns: 5000 },
    );
  });

  it("the issue's hostile constraint `attribute:team =~ *a*a*…*b` on a 64-character attribute answers at once (1,000 times well under a second)", () => {
    const predicate = compileExpression(`attribute:team =~ ${"*a".repeat(12)}*b`)!;
    const instance = { containerInstanceArn: "i", attributes: [{ name: "team", value: "a".repeat(64) }] };
    // a backtracking regular expression took more than 15 s for ONE evaluation of this
    const started = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) assert.strictEqual(predicate(instance), false);
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(elapsedMs < 1000, `1,000 evaluations took ${elapsedMs} ms`);
  });

  it("a pattern longer than ECS's 2,000-character expression limit is not evaluated (the service is skipped)", () => {
    assert.strictEqual(compileWildcard("a".repeat(2001)), undefined);
    assert.strictEqual(compileExpression(`attribute:team =~ ${"*a".repeat(1001)}`), undefined);
  });
});
