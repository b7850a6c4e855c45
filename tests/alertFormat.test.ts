import { describe, expect, it } from "vitest";
import { alertMatchers, alertsHref, METRIC_LABELS, silenceHref } from "@/components/alerts/format";
import { alertCondition, metricLabel } from "@/components/model/alertFormat";
import { RULE_METRICS } from "@/lib/alerts/rules/validation";

describe("how the alerts page and the model page write alerts", () => {
  it("name every rule metric the same way (one table)", () => {
    for (const m of RULE_METRICS) {
      expect(METRIC_LABELS[m], m).toBeTruthy();
      expect(metricLabel(m)).toBe(METRIC_LABELS[m]);
    }
    expect(alertCondition({ metric: "missing_rate", comparison: ">", threshold: 0.05, windowSeconds: 3600, value: 0.1 }).metric).toBe("missing share");
  });

  it("silence an alert by every label it carries, alertname and model first", () => {
    // two SLO rows of one model share alertname and model: only their own labels tell them apart
    const page = { alertname: "SLOBurnRate", model_name: "fraud", severity: "page", slo: "availability", long_window: "1h", short_window: "5m" };
    expect(alertMatchers(page)).toEqual([
      { name: "alertname", value: "SLOBurnRate" },
      { name: "model_name", value: "fraud" },
      { name: "long_window", value: "1h" },
      { name: "severity", value: "page" },
      { name: "short_window", value: "5m" },
      { name: "slo", value: "availability" },
    ]);
    const href = new URL(silenceHref(alertMatchers(page)), "http://x");
    expect(href.searchParams.getAll("m")).toEqual(["alertname=SLOBurnRate", "model_name=fraud", "long_window=1h", "severity=page", "short_window=5m", "slo=availability"]);
    // a rule's own labels (team) are matched too
    expect(alertMatchers({ team: "risk", severity: "warning", model_name: "m", alertname: "X" }).map((m) => m.name)).toEqual(["alertname", "model_name", "severity", "team"]);
  });

  it("keep the model and state filters in /alerts' URL", () => {
    expect(alertsHref({})).toBe("/alerts");
    expect(alertsHref({ model: "fraud v2" })).toBe("/alerts?model=fraud+v2");
    expect(alertsHref({ model: "fraud", state: "resolved" })).toBe("/alerts?state=resolved&model=fraud");
    expect(alertsHref({ model: null, state: "firing" })).toBe("/alerts?state=firing");
  });
});
