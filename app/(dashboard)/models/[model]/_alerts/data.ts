import { cache } from "react";
import type { AlertBand } from "@/components/model/TimeChart";
import { modelAlertTimeline, type ModelAlertTimeline } from "@/lib/alerts/evaluate/timeline";
import type { ModelView } from "../searchParams";

/**
 * The model's alerts over the page's range, read once per page render however many charts and the strip use them
 * (`key` stands for the view: React's cache compares arguments by identity).
 */
export const alertsOf = cache((model: string, key: string, view: ModelView): Promise<ModelAlertTimeline> => {
  void key;
  // spans closer than one chart bucket are one band (a flapping alert is drawn as the stretch it flapped over)
  return modelAlertTimeline(model, { from: view.from, to: view.to, now: new Date(), gapMs: view.stepMs });
});

/** Every firing interval in the range as a chart band. */
export function alertBands(t: ModelAlertTimeline): AlertBand[] {
  return t.fired.flatMap((a) => a.intervals.map((i) => ({ start: i.start, end: i.end, open: i.open, alertname: a.label, severity: a.severity })));
}
