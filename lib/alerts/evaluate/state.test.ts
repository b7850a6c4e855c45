import { describe, expect, it } from "vitest";
import { MINUTE } from "../../domain/time";
import { advance, INACTIVE, replay, type AlertStatus, type RuleCondition } from "./state";
import { ruleValue } from "./values";

const errorRate: RuleCondition = { metric: "error_rate", comparison: ">", threshold: 0.01, forSeconds: 0 };
const slow: RuleCondition = { metric: "latency_p99", comparison: ">", threshold: 0.5, forSeconds: 300 };
const t = (m: number) => m * MINUTE;

/** Runs values at one-minute steps and returns the states. */
function states(rule: RuleCondition, values: (number | null)[]) {
  let s: AlertStatus = INACTIVE;
  return values.map((v, i) => (s = advance(rule, s, v, t(i))).state);
}

describe("the alert state machine", () => {
  it("for 0 fires at once and resolves when the value clears the threshold", () => {
    expect(states(errorRate, [0, 0.02, 0.03, 0.001, 0])).toEqual(["inactive", "firing", "firing", "resolved", "resolved"]);
  });

  it("`for` holds the alert pending until the condition has held that long; one miss sends it back", () => {
    expect(states(slow, [0.6, 0.7, 0.8, 0.9, 0.9, 0.9, 0.9])).toEqual(["pending", "pending", "pending", "pending", "pending", "firing", "firing"]);
    expect(states(slow, [0.6, 0.7, 0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])).toEqual([
      "pending", "pending", "inactive", "pending", "pending", "pending", "pending", "pending", "firing",
    ]);
    const s = [0.6, 0.6, 0.6, 0.6, 0.6, 0.6].reduce<AlertStatus>((prev, v, i) => advance(slow, prev, v, t(i)), INACTIVE);
    expect(s).toEqual({ state: "firing", activeAt: t(0), firedAt: t(5), resolvedAt: null });
  });

  it("hysteresis: a firing alert stays firing until the value is 5 % of the threshold clear of it", () => {
    // > 1 %: fires above 0.01, resolves only at ≤ 0.0095
    expect(states(errorRate, [0.011, 0.0099, 0.0096, 0.0095, 0.0099, 0.011])).toEqual(["firing", "firing", "firing", "resolved", "resolved", "firing"]);
    const lowConfidence: RuleCondition = { metric: "confidence_p25", comparison: "<", threshold: 0.6, forSeconds: 0 };
    expect(states(lowConfidence, [0.5, 0.61, 0.629, 0.64])).toEqual(["firing", "firing", "firing", "resolved"]);
    // counts have no margin: one request resolves "no requests"
    const none: RuleCondition = { metric: "requests", comparison: "<", threshold: 1, forSeconds: 0 };
    expect(states(none, [0, 0, 1])).toEqual(["firing", "firing", "resolved"]);
  });

  it("no value (too few samples, no data) never fires and resolves a firing alert", () => {
    expect(states(errorRate, [null, 0.5, null, null])).toEqual(["inactive", "firing", "resolved", "resolved"]);
  });

  it("a resolved alert keeps when it fired and ended until the next incident starts afresh", () => {
    let s = advance(errorRate, INACTIVE, 0.5, t(1));
    s = advance(errorRate, s, 0, t(3));
    expect(s).toEqual({ state: "resolved", activeAt: null, firedAt: t(1), resolvedAt: t(3) });
    s = advance(errorRate, s, 0.5, t(9));
    expect(s).toEqual({ state: "firing", activeAt: t(9), firedAt: t(9), resolvedAt: null });
  });

  it("replay returns each firing with its start and end", () => {
    const points = [0, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.1, 0.1, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7].map((value, i) => ({ at: t(i), value }));
    expect(replay(slow, points)).toEqual([
      { startsAt: t(6), endsAt: t(7) },
      { startsAt: t(14), endsAt: null },
    ]);
  });
});

describe("rule values", () => {
  it("under the minimum sample size there is no value", () => {
    expect(ruleValue({ comparison: ">", minSamples: 100 }, { value: 0.5, samples: 99 }, null)).toEqual({ value: null, samples: 99 });
    expect(ruleValue({ comparison: ">", minSamples: 100 }, { value: 0.5, samples: 100 }, null)).toEqual({ value: 0.5, samples: 100 });
  });
  it("relative comparisons give the rise or the drop in percent of the previous window", () => {
    expect(ruleValue({ comparison: "increase_pct", minSamples: 0 }, { value: 3, samples: 10 }, { value: 2, samples: 10 }).value).toBeCloseTo(50);
    expect(ruleValue({ comparison: "decrease_pct", minSamples: 0 }, { value: 1, samples: 10 }, { value: 4, samples: 10 }).value).toBeCloseTo(75);
    expect(ruleValue({ comparison: "increase_pct", minSamples: 0 }, { value: 3, samples: 10 }, { value: 0, samples: 10 }).value).toBeNull();
    expect(ruleValue({ comparison: "increase_pct", minSamples: 20 }, { value: 3, samples: 30 }, { value: 1, samples: 10 }).value).toBeNull();
  });
});
