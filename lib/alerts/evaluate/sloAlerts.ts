/**
 * SLO burn-rate rows as alerts (pure: no I/O). Each SLO of a model has one alert per burn-rate row (page 1h/5m,
 * page 6h/30m, ticket 3d/6h), firing while the row fires as GET /api/v1/models/{model}/slos reports it (both its
 * windows' bad share above factor × budget) and resolved once it stops. Same lifecycle, history, silences,
 * grouping and delivery as rule alerts; no `for` and no hysteresis (the short window is what ends it quickly).
 */
import type { BurnRateStatus, Slo } from "../slo/objectives";

/** The alertname of every SLO burn-rate alert; the SLO is the `slo` label. */
export const SLO_ALERTNAME = "SLOBurnRate";

/** A row's windows as stored in alerts.burn_window: "1h/5m". */
export const burnWindowOf = (row: { longWindow: string; shortWindow: string }) => `${row.longWindow}/${row.shortWindow}`;

export function sloAlertLabels(model: string, slo: string, row: Pick<BurnRateStatus, "severity" | "longWindow" | "shortWindow">): Record<string, string> {
  return { alertname: SLO_ALERTNAME, model_name: model, severity: row.severity, slo, long_window: row.longWindow, short_window: row.shortWindow };
}

/**
 * The alert's value: the lower of the two windows' burn rates, the one that must exceed the row's factor (null when
 * a window has no events); its samples are the short window's events.
 */
export function sloAlertValue(row: BurnRateStatus): { value: number | null; samples: number } {
  const { long, short } = row;
  const value = long.burnRate === null || short.burnRate === null ? null : Math.min(long.burnRate, short.burnRate);
  return { value, samples: short.total };
}

const num = (v: number | null) => (v === null ? "no data" : Number.isInteger(v) ? String(v) : v.toPrecision(3).replace(/\.?0+$/, ""));
const pct = (share: number) => `${num(share * 100)} %`;

/** The summary and description; the budget left over the SLO's window is on the SLO page (generatorURL), not read per cycle. */
export function sloAnnotations(model: string, slo: { slo: Slo; objective: string }, row: BurnRateStatus): Record<string, string> {
  return {
    summary: `SLO ${slo.slo.name} on ${model}: error budget burning ${num(row.long.burnRate)}× over ${row.longWindow} and ${num(row.short.burnRate)}× over ${row.shortWindow}`,
    description:
      `${slo.objective}. Fires (${row.severity}) while both the ${row.longWindow} and the ${row.shortWindow} window burn the error budget ` +
      `faster than ${row.factor}× (more than ${pct(row.threshold)} of events bad).`,
  };
}

/** The resolve notification of an alert whose SLO (or model's SLO set) no longer exists. */
export function removedSloAnnotations(model: string, slo: string): Record<string, string> {
  return { summary: `SLO ${slo} on ${model} was removed`, description: `The SLO no longer exists, so its burn-rate alert is resolved.` };
}
