import "server-only";
import { firingCounts } from "../alerts/evaluate/store";
import { floorMs, HOUR } from "../domain/time";
import { counterFamilies } from "./counters";
import { F } from "./families";
import type { MetricFamily } from "./exposition";
import { gaugeFamilies, type ModelGauges, modelGauges } from "./gauges";
import type { Drop } from "./limits";
import { readTotals } from "./totals";
import { readWindowDocs, readWindowModels } from "./windows";


/** What a collector is given: the scrape's time and the operator's limits. */
export type CollectContext = { now: number; maxLabelValues: number };

/** What a collector returns: its families in export order, and what it left out itself. */
export type Collected = { families: MetricFamily[]; drops?: Drop[] };

/**
 * A source of model data for /metrics. Every value must come from the database, so that each replica, and each
 * process behind one port, answers a scrape with the same numbers; counters must never go down. Families are
 * capped together at DRIFTWATCH_METRICS_MAX_SERIES in the order of COLLECTORS.
 */
export type Collector = { name: string; collect(ctx: CollectContext): Promise<Collected> };

/** All-time counters per model version, from the version totals the write path keeps (lib/metrics/counters.ts). */
export const countersCollector: Collector = {
  name: "counters",
  async collect(ctx) {
    const { rows, models } = await readTotals();
    return counterFamilies(rows, models, ctx.maxLabelValues);
  },
};

// Each model's gauges with the stamp of their inputs, per process: recomputed only when a stamp changes (a write
// into the window, a new hour, a definition or reference change), so a steady scrape reads no document at all.
const g = globalThis as typeof globalThis & { __driftwatchGauges?: Map<string, { stamp: string; gauges: ModelGauges }> };

/**
 * Window gauges per model: performance and drift over whole hours ending at the last full hour
 * (lib/metrics/gauges.ts), computed again only for models whose inputs changed since the previous scrape.
 */
export const gaugesCollector: Collector = {
  name: "gauges",
  async collect(ctx) {
    const end = floorMs(ctx.now, HOUR);
    const cache = (g.__driftwatchGauges ??= new Map());
    const models = await readWindowModels(end);
    const stale = models.filter((m) => cache.get(m.model.id)?.stamp !== m.stamp);
    const docs = await readWindowDocs(stale, end);
    for (const m of stale) {
      const { docs: d, profile } = docs.get(m.model.id)!;
      cache.set(m.model.id, { stamp: m.stamp, gauges: modelGauges({ ...m.model, profile }, d, end) });
    }
    const current = new Set(models.map((m) => m.model.id));
    for (const id of cache.keys()) if (!current.has(id)) cache.delete(id);
    return { families: gaugeFamilies(models.map((m) => cache.get(m.model.id)!.gauges)) };
  },
};

/**
 * Alerts firing in Driftwatch's evaluator, from the alerts table (one query): every replica answers the same, and
 * the value is the number of firing alerts with those labels (1, unless two rules share a name and severity).
 */
export const alertsCollector: Collector = {
  name: "alerts",
  async collect() {
    const rows = await firingCounts();
    return {
      families: [
        { ...F.alertsFiring, type: "gauge", samples: rows.map((r) => ({ labels: { alertname: r.alertname, severity: r.severity, model_name: r.model }, value: r.count })) },
      ],
    };
  },
};

/**
 * The collectors a scrape runs, in export order (what comes first survives the series limit). Another capability
 * contributes families by adding its collector here.
 */
export const COLLECTORS: readonly Collector[] = [countersCollector, gaugesCollector, alertsCollector];
