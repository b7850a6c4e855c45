import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE } from "../domain/time";
import { ApiError } from "../errors";
import { bucketOf, bucketStarts, defaultStep, parseReadQuery, parseStep } from "./params";

const now = new Date("2026-11-20T10:17:30.250Z");
const parse = (query: string, opts: { minDefaultStepMs?: number } = {}) => parseReadQuery(new URLSearchParams(query), { now, ...opts });

/** The 422 details a query is refused with: `[{path, message}]`. */
function refusal(query: string): { path: string; message: string }[] {
  try {
    parse(query);
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) return err.details as { path: string; message: string }[];
    throw err;
  }
  throw new Error(`accepted: ${query}`);
}

describe("parseStep and defaultStep", () => {
  it("reads 1m … 1d and refuses anything else", () => {
    expect(parseStep("1m")).toBe(MINUTE);
    expect(parseStep("90m")).toBe(90 * MINUTE);
    expect(parseStep("6h")).toBe(6 * HOUR);
    expect(parseStep("1d")).toBe(DAY);
    for (const bad of ["0m", "1s", "2d", "1.5h", "h", "01h", "25h", "1H", "10000m"]) expect(() => parseStep(bad), bad).toThrow(ApiError);
  });

  it("picks the smallest nice step that gives at most 60 buckets", () => {
    expect(defaultStep(HOUR)).toBe(MINUTE);
    expect(defaultStep(6 * HOUR)).toBe(10 * MINUTE);
    expect(defaultStep(DAY)).toBe(30 * MINUTE);
    expect(defaultStep(7 * DAY)).toBe(3 * HOUR);
    expect(defaultStep(30 * DAY)).toBe(12 * HOUR);
    expect(defaultStep(365 * DAY)).toBe(DAY);
  });
});

describe("parseReadQuery", () => {
  it("defaults to the 24 hours before now, widened to whole default steps", () => {
    const q = parse("");
    expect(q.stepMs).toBe(30 * MINUTE);
    expect(q.from.toISOString()).toBe("2026-11-19T10:00:00.000Z");
    expect(q.to.toISOString()).toBe("2026-11-20T10:30:00.000Z");
    expect(q).toMatchObject({ version: null, segments: {} });
    expect(bucketStarts(q)).toHaveLength(49);
  });

  it("takes RFC 3339 times and epoch milliseconds, and an explicit step as given", () => {
    const q = parse(`from=2026-11-20T00:00:00Z&to=${Date.parse("2026-11-20T03:00:00Z")}&step=1h`);
    expect(q.stepMs).toBe(HOUR);
    expect(bucketStarts(q).map((t) => new Date(t).toISOString())).toEqual(["2026-11-20T00:00:00.000Z", "2026-11-20T01:00:00.000Z", "2026-11-20T02:00:00.000Z"]);
    expect(bucketOf(q, Date.parse("2026-11-20T01:59:59.999Z"))).toBe(Date.parse("2026-11-20T01:00:00Z"));
  });

  it("keeps a single window exact to the millisecond", () => {
    const q = parse("from=2026-11-20T00:00:00.123Z&to=2026-11-20T05:30:00Z&window=single&step=1h");
    expect(q.stepMs).toBeNull();
    expect(q.from.toISOString()).toBe("2026-11-20T00:00:00.123Z");
    expect(q.to.toISOString()).toBe("2026-11-20T05:30:00.000Z");
    expect(bucketStarts(q)).toEqual([q.from.getTime()]);
    expect(bucketOf(q, q.to.getTime() - 1)).toBe(q.from.getTime());
  });

  it("raises the default step to a minimum (drift windows are whole hours), not an explicit one", () => {
    expect(parse("from=2026-11-20T00:00:00Z&to=2026-11-20T02:00:00Z", { minDefaultStepMs: HOUR }).stepMs).toBe(HOUR);
    expect(parse("from=2026-11-20T00:00:00Z&to=2026-11-20T02:00:00Z&step=5m", { minDefaultStepMs: HOUR }).stepMs).toBe(5 * MINUTE);
  });

  it("reads version and segment filters, storing segment text as ingest does", () => {
    const q = parse("version=v3&segment.region=eu&segment.tier=gold%00x");
    expect(q.version).toBe("v3");
    expect(q.segments).toEqual({ region: "eu", tier: "gold\ufffdx" });
  });

  it.each([
    ["from=yesterday", "from"],
    ["to=2026-11-20T00:00:00", "to"],
    ["from=2026-11-20T05:00:00Z&to=2026-11-20T05:00:00Z", "from"],
    ["from=1980-01-01T00:00:00Z", "from"],
    ["window=hourly", "window"],
    ["step=7s", "step"],
    ["from=2026-01-01T00:00:00Z&to=2026-11-20T00:00:00Z&step=1m", "step"],
    ["from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z&step=5m", "step"],
    ["version=", "version"],
    [`version=${"v".repeat(65)}`, "version"],
    ["version=a%00b", "version"],
    ["segment.=eu", "segment."],
    [`segment.region=${"x".repeat(129)}`, "segment.region"],
  ])("refuses %s (422 at %s)", (query, path) => {
    expect(refusal(query).map((d) => d.path)).toEqual([path]);
  });
});
