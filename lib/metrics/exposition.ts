/**
 * The Prometheus exposition formats, written by hand: text 0.0.4 and OpenMetrics 1.0.0 from one list of metric
 * families. (prom-client keeps metric objects that instrumentation updates; ours are read from the database on
 * each scrape, and its histograms can only `observe()` values, not take the rollups' bucket counts.)
 */

export type Labels = Readonly<Record<string, string>>;

/** One counter or gauge series. */
export type Sample = { labels: Labels; value: number };

/** One histogram series: cumulative bucket counts by upper bound (the last bound +Inf), their sum and count. */
export type HistogramSample = { labels: Labels; buckets: readonly { le: number; count: number }[]; sum: number; count: number };

type Meta = {
  /** counters without their `_total` suffix: the writer adds it where each format wants it */
  name: string;
  help: string;
  /** the base unit the name ends in (`seconds`), for OpenMetrics' UNIT line */
  unit?: string;
};

export type MetricFamily =
  | (Meta & { type: "counter" | "gauge"; samples: Sample[] })
  | (Meta & { type: "histogram"; samples: HistogramSample[] });

export type Format = "text" | "openmetrics";

export const CONTENT_TYPES: Record<Format, string> = {
  text: "text/plain; version=0.0.4; charset=utf-8",
  openmetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8",
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Series a family contributes to Prometheus: one per sample, buckets + _sum + _count per histogram sample. */
export function seriesOf(family: MetricFamily): number {
  if (family.type !== "histogram") return family.samples.length;
  let n = 0;
  for (const s of family.samples) n += s.buckets.length + 2;
  return n;
}

/**
 * Which format a scrape gets from its `Accept` header: OpenMetrics when it names application/openmetrics-text
 * (version 1.0.0, 0.0.1 or none) with a q-value at least that of anything text/plain matches; otherwise text.
 * Prometheus 2.x asks `application/openmetrics-text;version=1.0.0,…,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`.
 */
export function negotiate(accept: string | null): Format {
  if (!accept) return "text";
  let om = 0;
  let text = 0;
  for (const range of accept.split(",")) {
    const [type, ...params] = range.split(";").map((s) => s.trim().toLowerCase());
    let q = 1;
    let version: string | null = null;
    for (const p of params) {
      const [k, v = ""] = p.split("=").map((s) => s.trim());
      if (k === "q") q = Number.isFinite(Number(v)) ? Math.min(1, Math.max(0, Number(v))) : 0;
      if (k === "version") version = v;
    }
    if (type === "application/openmetrics-text") {
      if (version === null || version === "1.0.0" || version === "0.0.1") om = Math.max(om, q);
    } else if (type === "text/plain" || type === "text/*" || type === "*/*") {
      text = Math.max(text, q);
    }
  }
  return om > 0 && om >= text ? "openmetrics" : "text";
}

/** A sample value: integers and floats as JavaScript writes them (shortest round trip), ±Inf and NaN as Prometheus does. */
export function formatValue(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  return String(v);
}

/**
 * A bucket bound as OpenMetrics' canonical numbers want it (Go's %g with ".0" added to integers): 0.005, 1.0,
 * 100000.0, 1e+06, 1e-05, +Inf. Used in both formats so a series keeps its `le` whichever format scraped it.
 */
export function canonicalFloat(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  const [mantissa, e] = v.toExponential().split("e");
  const exp = Number(e);
  let out: string;
  if (exp < -4 || exp >= 6) out = `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  else out = String(v);
  return /[.e]/.test(out) ? out : `${out}.0`;
}

const NEEDS_ESCAPE = /[\\\n"]/;
const escapeLabel = (v: string) => (NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"') : v);
const escapeHelp = (format: Format, v: string) => {
  const s = v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
  return format === "openmetrics" ? s.replace(/"/g, '\\"') : s;
};

/** `a="x",b="y"` (no braces), escaped. */
function labelPairs(labels: Labels): string {
  let out = "";
  for (const k in labels) out += `${out ? "," : ""}${k}="${escapeLabel(labels[k])}"`;
  return out;
}

// bucket bounds repeat across every histogram sample: their canonical text is worked out once
const leText = new Map<number, string>();
const canonicalLe = (le: number) => {
  let t = leText.get(le);
  if (t === undefined) leText.set(le, (t = canonicalFloat(le)));
  return t;
};

/** Throws on a family Prometheus would reject: bad names, reserved labels, a unit the name does not end in. */
export function checkFamily(f: MetricFamily): void {
  if (!NAME.test(f.name)) throw new Error(`metric name ${JSON.stringify(f.name)} is not a valid Prometheus name`);
  if (f.type === "counter" && f.name.endsWith("_total")) throw new Error(`counter ${f.name}: give the name without _total`);
  if (f.unit !== undefined && !f.name.endsWith(`_${f.unit}`)) throw new Error(`${f.name}: the name must end in its unit _${f.unit}`);
  for (const s of f.samples) {
    for (const k in s.labels) {
      if (!LABEL.test(k) || k.startsWith("__")) throw new Error(`${f.name}: label name ${JSON.stringify(k)} is not allowed`);
      if (f.type === "histogram" && k === "le") throw new Error(`${f.name}: "le" is reserved for histogram buckets`);
    }
  }
}

/** Renders families in one format; the caller passes families with distinct names. Cost O(samples). */
export function render(families: readonly MetricFamily[], format: Format): string {
  const om = format === "openmetrics";
  let out = "";
  for (const f of families) {
    const described = f.type === "counter" && !om ? `${f.name}_total` : f.name;
    out += `# TYPE ${described} ${f.type}\n`;
    if (om && f.unit) out += `# UNIT ${f.name} ${f.unit}\n`;
    out += `# HELP ${described} ${escapeHelp(format, f.help)}\n`;
    if (f.type === "histogram") {
      for (const s of f.samples) {
        const pairs = labelPairs(s.labels);
        const bucket = `${f.name}_bucket{${pairs}${pairs ? "," : ""}le="`;
        const braces = pairs ? `{${pairs}}` : "";
        for (const b of s.buckets) out += `${bucket}${canonicalLe(b.le)}"} ${formatValue(b.count)}\n`;
        out += `${f.name}_sum${braces} ${formatValue(s.sum)}\n${f.name}_count${braces} ${formatValue(s.count)}\n`;
      }
    } else {
      const name = f.type === "counter" ? `${f.name}_total` : f.name;
      for (const s of f.samples) {
        const pairs = labelPairs(s.labels);
        out += `${name}${pairs ? `{${pairs}}` : ""} ${formatValue(s.value)}\n`;
      }
    }
  }
  if (om) out += "# EOF\n";
  return out;
}
