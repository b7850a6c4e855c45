import cluster from "node:cluster";
import client from "prom-client";
import type { HistogramSample, Labels, MetricFamily, Sample } from "./exposition";

/**
 * prom-client's default process and Node.js metrics (CPU, memory, file descriptors, event-loop lag, heap, GC),
 * taken as values and written by our own writer, so one code path renders both formats (prom-client's own
 * OpenMetrics rendering renames counters in place). They describe the process that answered the scrape.
 * Left out: nodejs_active_{handles,requests,resources}_total, gauges whose names `promtool check metrics`
 * rejects (the per-type nodejs_active_* gauges stay).
 */

/**
 * With DRIFTWATCH_WORKERS > 1 a scrape lands on any of the worker processes: each gets a `worker` label, so its
 * counters stay series of their own instead of jumping between processes (which Prometheus reads as resets).
 */
export function processLabels(): Record<string, string> {
  return cluster.isWorker && cluster.worker ? { worker: String(cluster.worker.id) } : {};
}
const EXCLUDED = new Set(["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]);

// One registry per process: route handlers and instrumentation are separate module graphs in Next.js.
const g = globalThis as typeof globalThis & { __driftwatchProcessRegistry?: client.Registry };
function registry(): client.Registry {
  if (!g.__driftwatchProcessRegistry) {
    const r = new client.Registry();
    client.collectDefaultMetrics({ register: r });
    g.__driftwatchProcessRegistry = r;
  }
  return g.__driftwatchProcessRegistry;
}

type JsonValue = { value: number; labels: Record<string, string | number>; metricName?: string };

const strings = (labels: Record<string, string | number>): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
  ...processLabels(),
});

const unitOf = (name: string) => (name.endsWith("_seconds") ? "seconds" : name.endsWith("_bytes") ? "bytes" : undefined);

/** prom-client's histogram values (one entry per bucket, _sum and _count) as our histogram samples. */
function histogramSamples(name: string, values: JsonValue[]): HistogramSample[] {
  const byLabels = new Map<string, HistogramSample & { buckets: { le: number; count: number }[] }>();
  for (const v of values) {
    const { le, ...rest } = strings(v.labels);
    const labels: Labels = rest;
    const id = JSON.stringify(labels);
    let s = byLabels.get(id);
    if (!s) byLabels.set(id, (s = { labels, buckets: [], sum: 0, count: 0 }));
    if (v.metricName === `${name}_bucket`) s.buckets.push({ le: le === "+Inf" ? Infinity : Number(le), count: v.value });
    else if (v.metricName === `${name}_sum`) s.sum = v.value;
    else if (v.metricName === `${name}_count`) s.count = v.value;
  }
  for (const s of byLabels.values()) s.buckets.sort((a, b) => a.le - b.le);
  return [...byLabels.values()];
}

/** The process metrics of this process as families. */
export async function processFamilies(): Promise<MetricFamily[]> {
  const out: MetricFamily[] = [];
  for (const m of await registry().getMetricsAsJSON()) {
    if (EXCLUDED.has(m.name)) continue;
    const values = m.values as JsonValue[];
    const help = m.help;
    // prom-client's typings declare a numeric enum; at run time the type is its name ("counter", …)
    const type = String(m.type);
    if (type === "counter") {
      const name = m.name.replace(/_total$/, "");
      const samples: Sample[] = values.map((v) => ({ labels: strings(v.labels), value: v.value }));
      out.push({ name, help, type: "counter", samples, ...(unitOf(name) ? { unit: unitOf(name) } : {}) });
    } else if (type === "gauge") {
      const samples: Sample[] = values.map((v) => ({ labels: strings(v.labels), value: v.value }));
      out.push({ name: m.name, help, type: "gauge", samples, ...(unitOf(m.name) ? { unit: unitOf(m.name) } : {}) });
    } else if (type === "histogram") {
      out.push({ name: m.name, help, type: "histogram", samples: histogramSamples(m.name, values), ...(unitOf(m.name) ? { unit: unitOf(m.name) } : {}) });
    }
  }
  return out;
}
