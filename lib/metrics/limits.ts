import { type MetricFamily, seriesOf } from "./exposition";

/** Series a scrape left out: of which family, why, how many. */
export type Drop = { family: string; reason: "series_limit" | "label_values"; series: number };

/**
 * Keeps at most `limit` series of the given families, in their order: families come in order of importance
 * (traffic, errors and latency first; drift last) and samples within a family in model order, so the same data
 * always keeps the same series. The first family that does not fit keeps the samples that do (a histogram sample
 * whole or not at all); every later one keeps none. Pure; O(samples).
 */
export function applySeriesLimit(families: readonly MetricFamily[], limit: number): { families: MetricFamily[]; series: number; drops: Drop[] } {
  let left = limit;
  let series = 0;
  const drops: Drop[] = [];
  const out: MetricFamily[] = [];
  for (const f of families) {
    const total = seriesOf(f);
    if (total <= left) {
      out.push(f);
      left -= total;
      series += total;
      continue;
    }
    let kept: MetricFamily;
    if (f.type === "histogram") {
      const samples = [];
      for (const s of f.samples) {
        const n = s.buckets.length + 2;
        if (n > left) break;
        samples.push(s);
        left -= n;
      }
      kept = { ...f, samples };
    } else {
      kept = { ...f, samples: f.samples.slice(0, left) };
      left -= kept.samples.length;
    }
    const keptSeries = seriesOf(kept);
    series += keptSeries;
    drops.push({ family: f.name, reason: "series_limit", series: total - keptSeries });
    out.push(kept);
    left = 0;
  }
  return { families: out, series, drops };
}
