import "server-only";
import { config } from "../config";
import { COLLECTORS, type Collector } from "./collectors";
import { checkFamily, type Format, type MetricFamily, render } from "./exposition";
import { F } from "./families";
import { applySeriesLimit, type Drop } from "./limits";
import { processFamilies, processLabels } from "./process";

// Series dropped by scrapes this process answered, by family and reason (the exporter's own counter).
const g = globalThis as typeof globalThis & { __driftwatchMetricsDropped?: Map<string, { family: string; reason: string; series: number }> };
const dropped = (g.__driftwatchMetricsDropped ??= new Map());

export type Scrape = { body: string; series: number; drops: Drop[] };

/**
 * One /metrics response: runs the collectors (all model data from the database), keeps at most the configured
 * number of series, then adds the exporter's own families and the process metrics, and renders them.
 */
export async function scrape(format: Format, now = Date.now(), collectors: readonly Collector[] = COLLECTORS): Promise<Scrape> {
  const cfg = config();
  const started = performance.now();
  const collected = await Promise.all(collectors.map((c) => c.collect({ now, maxLabelValues: cfg.metricsMaxLabelValues })));
  const limited = applySeriesLimit(collected.flatMap((c) => c.families), cfg.metricsMaxSeries);
  const drops = [...collected.flatMap((c) => c.drops ?? []), ...limited.drops];
  for (const d of drops) {
    const id = `${d.family}\u0000${d.reason}`;
    const entry = dropped.get(id) ?? { family: d.family, reason: d.reason, series: 0 };
    entry.series += d.series;
    dropped.set(id, entry);
  }
  const seconds = (performance.now() - started) / 1000;

  const own = processLabels();
  const families: MetricFamily[] = [
    ...limited.families,
    { ...F.series, type: "gauge", samples: [{ labels: {}, value: limited.series }] },
    { ...F.seriesLimit, type: "gauge", samples: [{ labels: {}, value: cfg.metricsMaxSeries }] },
    {
      ...F.dropped,
      type: "counter",
      samples: [...dropped.values()].map((d) => ({ labels: { family: d.family, reason: d.reason, ...own }, value: d.series })),
    },
    { ...F.scrapeDuration, type: "gauge", samples: [{ labels: own, value: seconds }] },
    ...(await processFamilies()),
  ];
  const names = new Set<string>();
  for (const f of families) {
    checkFamily(f);
    if (names.has(f.name)) throw new Error(`two metric families are named ${f.name}`);
    names.add(f.name);
  }
  return { body: render(families, format), series: limited.series, drops };
}
