import { describe, expect, it } from "vitest";
import { applyFleetView, parseFleetView } from "./fleetView";
import type { ModelSummary } from "./listModels";

const model = (name: string, status: ModelSummary["status"], requests: number, errorRate: number | null): ModelSummary => ({
  id: name,
  name,
  task: "binary_classification",
  autoRegistered: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  status,
  statusReasons: [],
  alerts: null,
  events: requests,
  lastEventAt: null,
  last24h: { requests, errors: 0, errorRate, latencyP99Ms: null, labelled: 0, labelCoverage: null, accuracy: null, f1: null, mae: null },
});

const fleet = [model("b-fraud", "healthy", 10, 0), model("a-churn", "critical", 5, 0.2), model("c-eta", "no_data", 0, null), model("d-intent", "warning", 50, 0.02)];

describe("fleet view", () => {
  it("defaults to worst status first, ties by name", () => {
    expect(applyFleetView(fleet, parseFleetView({})).map((m) => m.name)).toEqual(["a-churn", "d-intent", "b-fraud", "c-eta"]);
  });
  it("sorts numbers with missing values last in either direction", () => {
    expect(applyFleetView(fleet, parseFleetView({ sort: "errors", dir: "desc" })).map((m) => m.name)).toEqual(["a-churn", "d-intent", "b-fraud", "c-eta"]);
    expect(applyFleetView(fleet, parseFleetView({ sort: "errors", dir: "asc" })).map((m) => m.name)).toEqual(["b-fraud", "d-intent", "a-churn", "c-eta"]);
  });
  it("filters by status and by a case-insensitive search", () => {
    expect(applyFleetView(fleet, parseFleetView({ status: "warning" })).map((m) => m.name)).toEqual(["d-intent"]);
    expect(applyFleetView(fleet, parseFleetView({ q: "FRAUD" })).map((m) => m.name)).toEqual(["b-fraud"]);
  });
  it("ignores unknown values rather than failing", () => {
    expect(parseFleetView({ sort: "nope", dir: "up", status: "purple", q: ["x", "y"] })).toEqual({ q: "x", status: null, sort: "status", dir: "asc" });
  });
});
