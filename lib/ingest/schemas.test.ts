import { describe, expect, it } from "vitest";
import { zodIssues } from "../errors";
import { safeText } from "../domain/text";
import { labelEvent, predictionEvent } from "./schemas";

const issues = (r: ReturnType<typeof predictionEvent.safeParse>) => (r.success ? [] : zodIssues(r.error).map((i) => i.path));

describe("text the database and rollup keys cannot hold", () => {
  it("safeText replaces NUL, U+001C–U+001F and unpaired surrogates, and keeps everything else", () => {
    expect(safeText("plain text, tabs\tand\nnewlines, é, 😀")).toBe("plain text, tabs\tand\nnewlines, é, 😀");
    expect(safeText("a\u0000b\u001cc\u001dd\u001ee\u001ff")).toBe("a\ufffdb\ufffdc\ufffdd\ufffde\ufffdf");
    expect(safeText("\ud800x\udc00")).toBe("\ufffdx\ufffd");
    expect(safeText("\ud83d\ude00")).toBe("😀");
  });

  it("stores free text (feature names and values, classes, error types, segments) with it replaced", () => {
    const r = predictionEvent.safeParse({
      model: "m",
      features: { "a\u0000": "x\u001fy", b: "\ud800", "c\u001emax": 1 },
      prediction: "max\u001e",
      probabilities: { "max\u001e": 1 },
      error: { type: "t\u001f", message: "m\u0000" },
      segments: { "r\u0000": "eu\u001c" },
      label: "\udc00",
    });
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data.features).toEqual({ "a\ufffd": "x\ufffdy", b: "\ufffd", "c\ufffdmax": 1 });
    expect(r.data.prediction).toBe("max\ufffd");
    expect(r.data.probabilities).toEqual({ "max\ufffd": 1 });
    expect(r.data.error).toEqual({ type: "t\ufffd", message: "m\ufffd" });
    expect(r.data.segments).toEqual({ "r\ufffd": "eu\ufffd" });
    expect(r.data.label).toBe("\ufffd");
  });

  it("refuses ids and versions holding it: they are identities, stored as sent or not at all", () => {
    expect(issues(predictionEvent.safeParse({ id: "a\u0000", model: "m", features: {}, prediction: 1 }))).toEqual(["id"]);
    expect(issues(predictionEvent.safeParse({ id: "\ud800", model: "m", features: {}, prediction: 1 }))).toEqual(["id"]);
    expect(issues(predictionEvent.safeParse({ version: "v\u001f", model: "m", features: {}, prediction: 1 }))).toEqual(["version"]);
    expect(labelEvent.safeParse({ model: "m", id: "x\u001e", actual: 1 }).success).toBe(false);
  });
});

describe("numbers summed into rollups", () => {
  it("refuses predictions and labels beyond ±1e100 (their squares would overflow); feature values are left to the rollups", () => {
    expect(issues(predictionEvent.safeParse({ model: "m", features: {}, prediction: 1e101 }))).toEqual(["prediction"]);
    expect(issues(predictionEvent.safeParse({ model: "m", features: {}, prediction: -1e100 }))).toEqual([]);
    expect(labelEvent.safeParse({ model: "m", id: "x", actual: -1e200 }).success).toBe(false);
    expect(issues(predictionEvent.safeParse({ model: "m", features: { big: 1e300 }, prediction: 1 }))).toEqual([]);
  });
});
