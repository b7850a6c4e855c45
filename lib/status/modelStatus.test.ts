import { describe, expect, it } from "vitest";
import { MODEL_STATUSES, statusOf, statusRank } from "./modelStatus";

const h = (requests: number, errorRate: number | null, latencyP99Ms: number | null) => ({ requests, errorRate, latencyP99Ms });

describe("statusOf", () => {
  it("is no_data without requests, whatever else", () => {
    expect(statusOf(h(0, null, null))).toEqual({ status: "no_data", reasons: ["no requests in 24 h"] });
    expect(statusOf(h(0, 0.5, 900))).toEqual({ status: "no_data", reasons: ["no requests in 24 h"] });
  });

  it("is healthy at or under every threshold (the rules are strict inequalities)", () => {
    expect(statusOf(h(100, 0, 12))).toEqual({ status: "healthy", reasons: [] });
    expect(statusOf(h(100, 0.01, 500))).toEqual({ status: "healthy", reasons: [] });
    expect(statusOf(h(100, null, null))).toEqual({ status: "healthy", reasons: [] });
  });

  it("warns above 1 % errors and is critical above 5 %, with one reason per metric", () => {
    expect(statusOf(h(100, 0.0101, 10))).toEqual({ status: "warning", reasons: ["error rate above 1 %"] });
    expect(statusOf(h(100, 0.05, 10))).toEqual({ status: "warning", reasons: ["error rate above 1 %"] });
    expect(statusOf(h(100, 0.0501, 10))).toEqual({ status: "critical", reasons: ["error rate above 5 %"] });
  });

  it("warns on p99 above 500 ms and keeps the worse status when both hold", () => {
    expect(statusOf(h(100, 0, 500.1))).toEqual({ status: "warning", reasons: ["p99 latency above 500 ms"] });
    expect(statusOf(h(100, 0.02, 800))).toEqual({ status: "warning", reasons: ["error rate above 1 %", "p99 latency above 500 ms"] });
    expect(statusOf(h(100, 0.2, 800))).toEqual({ status: "critical", reasons: ["error rate above 5 %", "p99 latency above 500 ms"] });
  });

  it("takes other rules, e.g. a stricter latency objective", () => {
    const rules = [{ metric: "latencyP99Ms" as const, above: 100, status: "critical" as const, reason: "p99 above 100 ms" }];
    expect(statusOf(h(10, 0.5, 150), rules)).toEqual({ status: "critical", reasons: ["p99 above 100 ms"] });
  });

  it("is never healthy while an alert fires: critical for critical or page alerts, warning for the others", () => {
    const firing = (count: number, severity: string) => ({ count, severity, names: ["PredictionSkew"] });
    expect(statusOf({ ...h(100, 0, 12), firing: firing(1, "warning") })).toEqual({ status: "warning", reasons: ["1 alert firing · warning"] });
    expect(statusOf({ ...h(100, 0, 12), firing: firing(2, "critical") })).toEqual({ status: "critical", reasons: ["2 alerts firing · critical"] });
    expect(statusOf({ ...h(100, 0, 12), firing: firing(1, "page") }).status).toBe("critical");
    expect(statusOf({ ...h(100, 0, 12), firing: firing(1, "ticket") }).status).toBe("warning");
    // the worse of the rules and the alerts, every reason
    expect(statusOf({ ...h(100, 0.2, 12), firing: firing(1, "warning") })).toEqual({ status: "critical", reasons: ["error rate above 5 %", "1 alert firing · warning"] });
    expect(statusOf({ ...h(0, null, null), firing: firing(1, "critical") })).toEqual({ status: "critical", reasons: ["no requests in 24 h", "1 alert firing · critical"] });
    expect(statusOf({ ...h(100, 0, 12), firing: null })).toEqual({ status: "healthy", reasons: [] });
    expect(statusOf({ ...h(100, 0, 12), firing: firing(0, "warning") })).toEqual({ status: "healthy", reasons: [] });
  });

  it("ranks worse statuses first", () => {
    expect([...MODEL_STATUSES].sort((a, b) => statusRank(a) - statusRank(b))).toEqual(["critical", "warning", "healthy", "no_data"]);
  });
});
