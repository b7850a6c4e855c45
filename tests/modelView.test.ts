import { describe, expect, it } from "vitest";
import { defaultRange, parseModelView } from "@/app/(dashboard)/models/[model]/searchParams";

const HOUR = 3_600_000;
const now = new Date("2026-12-06T10:42:17.000Z");

describe("the model page's default range", () => {
  it("is a week, or for a younger model the shortest preset holding all of its events", () => {
    expect(defaultRange(null, now.getTime())).toBe("7d");
    expect(defaultRange(now.getTime() - 20 * 60_000, now.getTime())).toBe("1h");
    expect(defaultRange(now.getTime() + 60_000, now.getTime())).toBe("1h"); // a clock ahead of ours
    expect(defaultRange(now.getTime() - HOUR, now.getTime())).toBe("6h");
    expect(defaultRange(now.getTime() - 5 * HOUR, now.getTime())).toBe("6h");
    expect(defaultRange(now.getTime() - 20 * HOUR, now.getTime())).toBe("24h");
    expect(defaultRange(now.getTime() - 24 * HOUR, now.getTime())).toBe("7d");
    expect(defaultRange(now.getTime() - 90 * 24 * HOUR, now.getTime())).toBe("7d");
  });

  it("applies only when the URL names no range: a preset or from/to in the URL wins", () => {
    const young = new Date(now.getTime() - 20 * 60_000);
    const v = parseModelView({}, now, young);
    expect(v.range).toBe("1h");
    expect(v.stepMs).toBe(60_000);
    expect(v.from.getTime()).toBeLessThanOrEqual(young.getTime());
    expect(parseModelView({ range: "7d" }, now, young).range).toBe("7d");
    expect(parseModelView({ range: "bogus" }, now, young).range).toBe("1h");
    const custom = parseModelView({ from: "now-6h", to: "now" }, now, young);
    expect(custom.range).toBeNull();
    expect(custom.to.getTime() - custom.from.getTime()).toBeGreaterThanOrEqual(6 * HOUR);
    expect(parseModelView({}, now).range).toBe("7d");
  });
});
