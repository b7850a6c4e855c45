import { describe, expect, it } from "vitest";
import { DAY, HOUR, MINUTE } from "../../domain/time";
import { budgetStatus, BURN_WINDOWS_MS, burnRates, burnRateThresholds, describeSlo, errorBudget } from "./objectives";
import { rowsOfWindow, rowsToFetch, sliCounts, splitWindow, type SloRow } from "./windows";
import { putSlosRequest } from "./validation";

describe("burn-rate thresholds", () => {
  it("a 99.9 % SLO gives burn-rate thresholds 0.0144, 0.006 and 0.001 (page 1h&5m at 14.4×, 6h&30m at 6×, ticket 3d&6h at 1×)", () => {
    expect(errorBudget(0.999)).toBe(0.001);
    expect(burnRateThresholds(0.999).map((r) => [r.severity, r.longWindow, r.shortWindow, r.factor, r.threshold])).toEqual([
      ["page", "1h", "5m", 14.4, 0.0144],
      ["page", "6h", "30m", 6, 0.006],
      ["ticket", "3d", "6h", 1, 0.001],
    ]);
    expect(burnRateThresholds(0.99).map((r) => r.threshold)).toEqual([0.144, 0.06, 0.01]);
  });

  it("a row fires only when both its windows' bad share exceed the threshold; a window without events never does", () => {
    const w = (entries: [number, number, number][]) => new Map(entries.map(([len, total, good]) => [len, { total, good }]));
    // 1h: 2 % bad, 5m: 10 % bad → page row 1 fires (> 1.44 %); 6h 0.5 %, 30m 1 % → row 2 does not (≤ 0.6 % long)
    const rows = burnRates(0.999, w([[HOUR, 1000, 980], [5 * MINUTE, 100, 90], [6 * HOUR, 4000, 3980], [30 * MINUTE, 300, 297], [3 * DAY, 0, 0]]));
    expect(rows.map((r) => r.firing)).toEqual([true, false, false]);
    expect(rows[0].long).toEqual({ total: 1000, bad: 20, badRatio: 0.02, burnRate: 20 });
    expect(rows[0].short.burnRate).toBe(100);
    expect(rows[2].long).toEqual({ total: 0, bad: 0, badRatio: null, burnRate: null });
    // long window hot, short window clean: the burn has stopped, nothing fires
    expect(burnRates(0.999, w([[HOUR, 100, 50], [5 * MINUTE, 10, 10]]))[0].firing).toBe(false);
    // exactly at the threshold is not above it
    expect(burnRates(0.99, w([[3 * DAY, 1000, 990], [6 * HOUR, 100, 99]]))[2].firing).toBe(false);
    expect(burnRates(0.99, w([[3 * DAY, 1000, 989], [6 * HOUR, 100, 98]]))[2].firing).toBe(true);
  });

  it("error budget: allowed bad events, share consumed and remaining (negative when overspent)", () => {
    expect(budgetStatus(0.999, { total: 10_000, good: 9_996 })).toEqual({
      sli: 0.9996, total: 10_000, good: 9_996, bad: 4, budget: 0.001, allowedBad: 10, consumed: 0.4, remaining: 0.6,
    });
    expect(budgetStatus(0.99, { total: 100, good: 97 }).remaining).toBe(-2);
    expect(budgetStatus(0.99, { total: 0, good: 0 })).toMatchObject({ sli: null, consumed: null, remaining: null });
  });

  it("describes the objective in words", () => {
    expect(describeSlo({ name: "l", kind: "latency", target: 0.995, windowDays: 28, thresholdMs: 250 })).toBe(
      "99.5 % of requests answered within 250 ms over 28 days",
    );
  });
});

describe("windows over rollup rows", () => {
  it("every minute of a window is counted exactly once from hour and minute rows, whatever the window's alignment", () => {
    // one minute row per minute over 4 days with a count that identifies it, and hour rows holding their minutes' sums
    const t0 = Date.UTC(2026, 10, 1);
    const minuteRows: SloRow[] = [];
    const hourRows = new Map<number, SloRow>();
    for (let t = t0; t < t0 + 4 * DAY; t += MINUTE) {
      const n = 1 + ((t / MINUTE) % 97);
      minuteRows.push({ level: "m", bucket: t, n, err: n % 3, lc: n, latencyGood: { 5: n % 5 }, labelled: 0, correct: 0 });
      const h = Math.floor(t / HOUR) * HOUR;
      const row = hourRows.get(h) ?? { level: "h" as const, bucket: h, n: 0, err: 0, lc: 0, latencyGood: { 5: 0 }, labelled: 0, correct: 0 };
      row.n += n;
      row.err += n % 3;
      row.lc += n;
      row.latencyGood[5] += n % 5;
      hourRows.set(h, row);
    }
    const all = [...minuteRows, ...hourRows.values()];
    for (const end of [t0 + 3 * DAY + 17 * MINUTE, t0 + 3 * DAY + HOUR, t0 + 3 * DAY + 59 * MINUTE]) {
      const { hours, minutes } = rowsToFetch(end, [...BURN_WINDOWS_MS]);
      // the fetch plan keeps only rows it needs
      const fetched = all.filter((r) => (r.level === "h" ? hours && r.bucket >= hours[0] && r.bucket < hours[1] : minutes.some(([a, b]) => r.bucket >= a && r.bucket < b)));
      expect(fetched.filter((r) => r.level === "m").length).toBeLessThan(8 * 60 + 120);
      for (const len of BURN_WINDOWS_MS) {
        const expected = minuteRows.filter((r) => r.bucket >= end - len && r.bucket < end).reduce((s, r) => s + r.n, 0);
        const got = rowsOfWindow(fetched, end - len, end);
        expect(got.reduce((s, r) => s + r.n, 0)).toBe(expected);
        const slo = { name: "a", kind: "availability" as const, target: 0.99, windowDays: 7, thresholdMs: null };
        const c = sliCounts(slo, got);
        expect(c.total).toBe(expected);
        expect(c.total - c.good).toBe(minuteRows.filter((r) => r.bucket >= end - len && r.bucket < end).reduce((s, r) => s + r.err, 0));
      }
    }
    expect(splitWindow(t0 + 10 * MINUTE, t0 + 50 * MINUTE)).toEqual({ hours: null, minutes: [[t0 + 10 * MINUTE, t0 + 50 * MINUTE]] });
    expect(splitWindow(t0, t0 + 2 * HOUR)).toEqual({ hours: [t0, t0 + 2 * HOUR], minutes: [] });
  });
});

describe("PUT body", () => {
  it("names SLOs by kind, needs a histogram bound for latency, refuses thresholds elsewhere and duplicate names", () => {
    const ok = putSlosRequest.parse({ slos: [{ kind: "availability", target: 0.999 }, { kind: "latency", target: 0.99, thresholdMs: 250, windowDays: 7 }] });
    expect(ok.slos).toEqual([
      { name: "availability", kind: "availability", target: 0.999, windowDays: 30, thresholdMs: null },
      { name: "latency-250ms", kind: "latency", target: 0.99, windowDays: 7, thresholdMs: 250 },
    ]);
    const issues = (body: unknown) => {
      const r = putSlosRequest.safeParse(body);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(issues({ slos: [{ kind: "latency", target: 0.99, thresholdMs: 240 }] })[0]).toMatch(/^slos\.0\.thresholdMs: must be a bound of the latency histogram.*250/);
    expect(issues({ slos: [{ kind: "availability", target: 0.99, thresholdMs: 250 }] })).toEqual(["slos.0.thresholdMs: only latency SLOs take a threshold"]);
    expect(issues({ slos: [{ kind: "accuracy", target: 1 }] })[0]).toMatch(/^slos\.0\.target: must be below 1/);
    expect(issues({ slos: [{ kind: "accuracy", target: 0.9, windowDays: 31 }] })[0]).toMatch(/^slos\.0\.windowDays/);
    expect(issues({ slos: [{ kind: "availability", target: 0.9 }, { kind: "availability", target: 0.99 }] })[0]).toMatch(/^slos\.1\.name: 'availability' is used twice/);
  });
});
