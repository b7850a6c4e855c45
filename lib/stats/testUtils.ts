// Test helpers (imported only by *.test.ts).
import { expect } from "vitest";

/** |a − b| ≤ 1e-9·|b| or ≤ 1e-12 absolute (the tolerance of issue #3); equal infinities pass. */
export function expectClose(actual: number, expected: number, label = ""): void {
  if (actual === expected) return;
  const ok = Math.abs(actual - expected) <= Math.max(1e-9 * Math.abs(expected), 1e-12);
  if (!ok) expect.fail(`${label}: got ${actual}, expected ${expected} (rel err ${Math.abs(actual - expected) / Math.abs(expected)})`);
}

/** Fixture numbers: JSON has no NaN/Infinity, the generator writes them as strings. */
export function decodeNumber(v: number | string | null): number | null {
  if (v === null) return null;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (typeof v === "string") throw new Error(`bad fixture number ${v}`);
  return v;
}
