import "server-only";
import { counterFamilies } from "./counters";
import type { MetricFamily } from "./exposition";
import { gaugeFamilies, modelGauges } from "./gauges";
import type { Drop } from "./limits";
import { readTotals } from "./totals";
import { readWindows } from "./windows";

const HOUR = 3_600_000;

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

/** Window gauges per model: performance and drift over whole hours ending at the last full hour (lib/metrics/gauges.ts). */
export const gaugesCollector: Collector = {
  name: "gauges",
  async collect(ctx) {
    const end = Math.floor(ctx.now / HOUR) * HOUR;
    const windows = await readWindows(end);
    return { families: gaugeFamilies(windows.map(({ model, docs }) => modelGauges(model, docs, end))) };
  },
};

/**
 * The collectors a scrape runs, in export order (what comes first survives the series limit). Another capability
 * contributes families by adding its collector here, e.g. alerting's ml_alerts_firing{alertname,severity,model_name}.
 */
export const COLLECTORS: readonly Collector[] = [countersCollector, gaugesCollector];
