/**
 * The model's string patterns as JavaScript regular expressions. AWS matches a pattern against the
 * whole value (its validation errors quote it as `^...$`), and the model omits the anchors, so they
 * are added here. The model's patterns are Java regular expressions using `\p{..}` classes, so they
 * are compiled with the `u` flag; the few Java spellings JavaScript rejects and that translate
 * exactly are translated, and anything else fails with the shape's name.
 */

/** Java's POSIX-style classes (java.util.regex.Pattern, US-ASCII) as exact JavaScript classes. */
const JAVA_CLASSES: Record<string, string> = {
  Lower: "a-z",
  Upper: "A-Z",
  ASCII: "\\x00-\\x7F",
  Alpha: "a-zA-Z",
  Digit: "0-9",
  Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Graph: "!-~",
  Print: " -~",
  Blank: " \\t",
  Cntrl: "\\x00-\\x1F\\x7F",
  XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
};

/** Characters JavaScript's `u` mode lets a backslash escape; Java lets any punctuation be escaped. */
const U_MODE_ESCAPABLE = new Set([..."^$\\.*+?()[]{}|/-"]);

/** Rewrites what Java accepts and JavaScript's `u` mode rejects, where the meaning is identical. */
export function translateJavaPattern(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      const posix = /^p\{(\w+)\}/.exec(pattern.slice(i + 1));
      if (posix && JAVA_CLASSES[posix[1]]) {
        out += inClass ? JAVA_CLASSES[posix[1]] : `[${JAVA_CLASSES[posix[1]]}]`;
        i += posix[0].length;
      } else if (/[!-/:-@[-`{-~]/.test(next) && !(U_MODE_ESCAPABLE.has(next) && (next !== "-" || inClass))) {
        out += `\\x${next.charCodeAt(0).toString(16).padStart(2, "0")}`;
        i++;
      } else {
        out += c + next;
        i++;
      }
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "]") inClass = false;
    out += c;
  }
  return out;
}

const compiled = new Map<string, RegExp>();

/** The anchored RegExp for a model pattern; throws naming the shape when JavaScript cannot compile it. */
export function compilePattern(pattern: string, shapeName: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  let regex: RegExp;
  try {
    regex = new RegExp(`^(?:${translateJavaPattern(pattern)})$`, "u");
  } catch (error) {
    throw new Error(
      `shape ${shapeName}: pattern ${JSON.stringify(pattern)} cannot be compiled in JavaScript (${(error as Error).message})`,
    );
  }
  compiled.set(pattern, regex);
  return regex;
}

/** The pattern as AWS quotes it in a validation error. */
export function anchoredPattern(pattern: string): string {
  return pattern.startsWith("^") ? pattern : `^${pattern}$`;
}
