import type { Matcher } from "./types";
import { own } from "../../domain/records";

/**
 * Alertmanager's matcher semantics: `=`/`!=` compare the label value (a missing label is ""), `=~`/`!~` are
 * regular expressions anchored at both ends. Pure.
 */
export function compileMatcher(m: Matcher): (labels: Record<string, string>) => boolean {
  if (m.op === "=" || m.op === "!=") {
    const eq = m.op === "=";
    return (labels) => ((own(labels, m.name) ?? "") === m.value) === eq;
  }
  const re = new RegExp(`^(?:${m.value})$`);
  const pos = m.op === "=~";
  return (labels) => re.test(own(labels, m.name) ?? "") === pos;
}

/** Null when the regular expression compiles, else the reason. */
export function regexError(value: string): string | null {
  try {
    new RegExp(`^(?:${value})$`);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** True when the labels satisfy every matcher (an empty list matches everything). */
export function matchesAll(matchers: Matcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => compileMatcher(m)(labels));
}
