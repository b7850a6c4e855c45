import { describe, expect, it } from "vitest";
import { timeTicks } from "@/components/model/format";

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

describe("timeTicks", () => {
  it("places round local times: whole hours in UTC, and the same wall-clock hours at an offset of +5:30", () => {
    const from = at("2026-12-06T07:13:00Z");
    const to = from + 24 * H;
    const utc = timeTicks(from, to, 7, 0);
    expect(utc.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual(["12:00", "18:00", "00:00", "06:00"]);
    // India (UTC+5:30, getTimezoneOffset -330): ticks on local 12:00, 18:00, … = 06:30, 12:30, … UTC
    const india = timeTicks(from, to, 7, -330);
    expect(india.map((t) => new Date(t + 330 * 60_000).toISOString().slice(11, 16))).toEqual(["18:00", "00:00", "06:00", "12:00"]);
  });

  it("chooses the smallest round spacing that keeps to the count, whatever the range", () => {
    for (const [span, step] of [
      [H, 10 * 60_000],
      [6 * H, H],
      [24 * H, 6 * H],
      [7 * 24 * H, 2 * 24 * H],
      [30 * 24 * H, 7 * 24 * H],
    ] as const) {
      const from = at("2026-11-01T00:00:00Z");
      const ticks = timeTicks(from, from + span, 7, 0);
      expect(ticks.length).toBeLessThanOrEqual(7);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBe(step);
      expect(ticks[0]).toBeGreaterThanOrEqual(from);
      expect(ticks[ticks.length - 1]).toBeLessThanOrEqual(from + span);
    }
  });

  it("gives two charts of one range the same ticks, and nothing for an empty range", () => {
    const from = at("2026-12-06T00:00:00Z") - 5 * H;
    expect(timeTicks(from, from + 6 * H)).toEqual(timeTicks(from, from + 6 * H));
    expect(timeTicks(from, from)).toEqual([]);
  });
});
