import { strict as assert } from "node:assert";
import { anchoredPattern, compilePattern, translateJavaPattern } from "../../../simulator/contract/pattern";

const TAG = "([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)"; // the model's TagKey/TagValue pattern, verbatim

describe("simulator/contract: the model's patterns in JavaScript", () => {
  const matches: Array<[string, string, string, boolean]> = [
    ["a pattern is anchored: a value with one bad character does not match (unanchored, any string would)", TAG, "from=2;to=3", false],
    ["the surge tag value in spaces matches the TagValue pattern", TAG, "from=2 to=3 at=2026-11-28T07:16:09.252Z", true],
    ["\\p{L} needs the u flag: accented letters match", TAG, "café", true],
    ["\\p{Z} admits a non-breaking space", TAG, "a\u00a0b", true],
    ["a comma is not in the tag character set", TAG, "a,b", false],
    ["the empty value matches a * pattern", TAG, "", true],
    ["AllowedInstanceType: an escaped dot and star are literal", "[a-zA-Z0-9\\.\\*\\-]+", "m5.*", true],
    ["AllowedInstanceType: a space does not match", "[a-zA-Z0-9\\.\\*\\-]+", "m5 large", false],
  ];
  for (const [rule, pattern, value, expected] of matches) {
    it(rule, () => assert.equal(compilePattern(pattern, "Shape").test(value), expected));
  }

  const translations: Array<[string, string, string]> = [
    ["Java's \\p{Alnum} becomes an ASCII class", "\\p{Alnum}+", "[a-zA-Z0-9]+"],
    ["Java's \\p{Alpha} inside a class is spliced into it", "[\\p{Alpha}_]", "[a-zA-Z_]"],
    ["an escaped punctuation mark JavaScript's u mode rejects becomes a hex escape", "a\\_b", "a\\x5fb"],
    ["an escaped hyphen outside a class becomes a hex escape", "a\\-b", "a\\x2db"],
    ["an escaped hyphen inside a class is kept (u mode allows it)", "[a\\-b]", "[a\\-b]"],
    ["Unicode property classes are kept", "\\p{L}\\p{N}", "\\p{L}\\p{N}"],
  ];
  for (const [rule, pattern, expected] of translations) {
    it(rule, () => {
      assert.equal(translateJavaPattern(pattern), expected);
      assert.doesNotThrow(() => compilePattern(pattern, "Shape"));
    });
  }

  it("a pattern JavaScript cannot compile (a possessive quantifier) fails naming the shape and the pattern", () => {
    assert.throws(() => compilePattern("a*+", "WeirdShape"), /shape WeirdShape: pattern "a\*\+" cannot be compiled/);
  });

  it("validation messages quote the pattern anchored, as AWS does", () => {
    assert.equal(anchoredPattern(TAG), `^${TAG}$`);
  });
});
