import { describe, expect, it } from "vitest";
import { MINUTE } from "../../domain/time";
import { firingIntervals, type TransitionRow } from "./intervals";

const m = (n: number) => n * MINUTE;
const tr = (at: number, from: string, to: string): TransitionRow => ({ at: m(at), from, to });

describe("firing intervals from an alert's transitions", () => {
  it("each firing until its resolve, inside the range", () => {
    const history = [tr(10, "inactive", "firing"), tr(20, "firing", "resolved"), tr(30, "resolved", "pending"), tr(35, "pending", "firing"), tr(50, "firing", "resolved")];
    expect(firingIntervals(history, m(0), m(60), m(60))).toEqual([
      { start: m(10), end: m(20), open: false },
      { start: m(35), end: m(50), open: false },
    ]);
  });

  it("a pending that went back to inactive never fired", () => {
    expect(firingIntervals([tr(10, "inactive", "pending"), tr(12, "pending", "inactive")], m(0), m(60), m(60))).toEqual([]);
  });

  it("still firing: until now, marked open; clipped to the range's end when the range ends earlier", () => {
    const history = [tr(10, "inactive", "firing")];
    expect(firingIntervals(history, m(0), m(60), m(42))).toEqual([{ start: m(10), end: m(42), open: true }]);
    expect(firingIntervals(history, m(0), m(30), m(42))).toEqual([{ start: m(10), end: m(30), open: true }]);
  });

  it("firing when the range began (the last transition before it): starts at the range's start", () => {
    // the caller passes the transition before `from` and those inside the range
    expect(firingIntervals([tr(5, "pending", "firing"), tr(25, "firing", "resolved")], m(20), m(60), m(60))).toEqual([{ start: m(20), end: m(25), open: false }]);
  });

  it("an incident over before the range, or starting after it, is left out", () => {
    expect(firingIntervals([tr(5, "inactive", "firing"), tr(8, "firing", "resolved")], m(20), m(60), m(60))).toEqual([]);
    expect(firingIntervals([tr(70, "inactive", "firing")], m(20), m(60), m(80))).toEqual([]);
  });
});
