import { floorMs, HOUR, MINUTE } from "../domain/time";
import type { ModelContext } from "./context";
import { type Doc, mergeInto } from "./documents";
import { FeatureCounts, featureLayout } from "./featureCounts";
import { addLabelMetrics, MetricCounts, newSums, writeSums } from "./metricCounts";

/** The parts of a stored prediction that rollups are made of. */
export type RollupEvent = {
  model: string;
  version: string;
  ts: Date;
  features: Record<string, unknown>;
  prediction: string | number | boolean | null;
  probabilities?: Record<string, number> | null;
  confidence: number | null;
  latencyMs: number | null;
  errorType: string | null;
  segments: Record<string, string | number | boolean> | null;
};

/** A `prediction_events` row as SQL returns it (snake_case columns; features may be left unread). */
export type StoredEvent = {
  version: string;
  ts: Date;
  features?: Record<string, unknown>;
  prediction: string | number | boolean | null;
  probabilities: Record<string, number> | null;
  confidence: number | null;
  latency_ms: number | null;
  error_type: string | null;
  segments: Record<string, string | number | boolean> | null;
};

/** A stored event of `model` as RollupBatch counts it (no features when they were not read). */
export function rollupEvent(model: string, r: StoredEvent): RollupEvent {
  return {
    model,
    version: r.version,
    ts: r.ts,
    features: r.features ?? {},
    prediction: r.prediction,
    probabilities: r.probabilities,
    confidence: r.confidence,
    latencyMs: r.latency_ms,
    errorType: r.error_type,
    segments: r.segments,
  };
}

/**
 * Rollup levels: "m" per minute and "h" per hour (per version and segment, plus the hour of all versions and
 * segments); "t" the all-time total of a version (bucket 0, segment ALL_SEGMENTS), which Prometheus counters read
 * in one row per version instead of summing every hour; "r" the label contributions corrections took back from
 * a version (positive counts, bucket 0), so counters can count what was added and never go down.
 */
export type RollupLevel = "m" | "h" | "t" | "r";
export type RollupKey = { model: string; level: RollupLevel; bucket: number; version: string; segment: string };
export type FeatureRollupKey = { model: string; referenceId: bigint; bucket: number; version: string; segment: string };

/** Segments as canonical JSON (keys sorted), "" for none: the rollup key part that segment filters match. */
export function segmentKey(segments: Record<string, unknown> | null | undefined): string {
  if (!segments) return "";
  const keys = Object.keys(segments).sort();
  if (keys.length === 0) return "";
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, segments[k]])));
}

/**
 * The key of the hour rows that hold every version and segment of a model together, so unfiltered reads take one
 * row per hour. Real versions are never empty and real segment keys are "" or a JSON object, so neither collides.
 */
export const ALL_VERSIONS = "";
export const ALL_SEGMENTS = "*";

type FeatureEntry = { key: FeatureRollupKey; doc: Doc; seen: Map<string, number> };

/** Rollup documents accumulated for one write, keyed by their row keys. */
export class RollupBatch {
  private readonly metricEntries = new Map<string, { key: RollupKey; doc: Doc }>();
  private readonly featureEntries = new Map<string, FeatureEntry>();
  /** counts not yet written into their documents, and the last documents an event counted into */
  private readonly pendingMetrics = new Map<string, MetricCounts>();
  private readonly pendingSums = new Map<Doc, Float64Array>();
  private readonly pending = new Map<FeatureEntry, FeatureCounts>();
  private lastMetrics: { model: string; minute: number; version: string; segment: string; counts: MetricCounts } | null = null;
  private lastFeature: { model: string; hour: number; version: string; segment: string; ctx: ModelContext; entry: FeatureEntry } | null = null;

  /** The metrics documents, with every count made so far written into them. */
  get metrics(): Map<string, { key: RollupKey; doc: Doc }> {
    for (const counts of this.pendingMetrics.values()) counts.writeCounts();
    for (const [doc, sums] of this.pendingSums) writeSums(doc, sums);
    this.pendingMetrics.clear();
    this.pendingSums.clear();
    this.lastMetrics = null;
    return this.metricEntries;
  }

  /** The feature documents, with every count made so far written into them. */
  get features(): Map<string, FeatureEntry> {
    for (const [entry, counts] of this.pending) counts.writeInto(entry.doc, entry.seen);
    this.pending.clear();
    return this.featureEntries;
  }

  private metricDoc(model: string, level: RollupLevel, bucket: number, version: string, segment: string): Doc {
    const id = `${model}\u001f${level}\u001f${bucket}\u001f${version}\u001f${segment}`;
    let entry = this.metricEntries.get(id);
    if (!entry) {
      entry = { key: { model, level, bucket, version, segment }, doc: {} };
      this.metricEntries.set(id, entry);
    }
    return entry.doc;
  }

  /**
   * The rows an event or label counts into: its minute and hour, the hour of all versions and segments, and its
   * version's all-time total.
   */
  private metricDocs(model: string, minute: number, version: string, segment: string): Doc[] {
    const hour = floorMs(minute, HOUR);
    return [
      this.metricDoc(model, "m", minute, version, segment),
      this.metricDoc(model, "h", hour, version, segment),
      this.metricDoc(model, "h", hour, ALL_VERSIONS, ALL_SEGMENTS),
      this.metricDoc(model, "t", 0, version, ALL_SEGMENTS),
    ];
  }

  /** The pending metric counts of the group of events an event at `minute` belongs to. */
  private metricCounts(model: string, minute: number, version: string, segment: string): MetricCounts {
    const last = this.lastMetrics;
    if (last && last.minute === minute && last.model === model && last.version === version && last.segment === segment) return last.counts;
    const id = `${model}\u001f${minute}\u001f${version}\u001f${segment}`;
    let counts = this.pendingMetrics.get(id);
    if (!counts) {
      const docs = this.metricDocs(model, minute, version, segment);
      const sums = docs.map((doc) => {
        let s = this.pendingSums.get(doc);
        if (!s) this.pendingSums.set(doc, (s = newSums()));
        return s;
      });
      counts = new MetricCounts(docs, sums);
      this.pendingMetrics.set(id, counts);
    }
    this.lastMetrics = { model, minute, version, segment, counts };
    return counts;
  }

  /** The pending counts of the feature document an event of `ctx` at `hour` counts into. */
  private featureCounts(model: string, hour: number, version: string, segment: string, ctx: ModelContext): FeatureCounts {
    const last = this.lastFeature;
    let entry: FeatureEntry;
    if (last && last.hour === hour && last.ctx === ctx && last.model === model && last.version === version && last.segment === segment) {
      entry = last.entry;
    } else {
      const id = `${model}\u001f${ctx.referenceId}\u001f${hour}\u001f${version}\u001f${segment}`;
      let found = this.featureEntries.get(id);
      if (!found) {
        found = { key: { model, referenceId: ctx.referenceId, bucket: hour, version, segment }, doc: {}, seen: new Map() };
        this.featureEntries.set(id, found);
      }
      entry = found;
      this.lastFeature = { model, hour, version, segment, ctx, entry };
    }
    let counts = this.pending.get(entry);
    if (counts && counts.ctx !== ctx) {
      counts.writeInto(entry.doc, entry.seen); // another context object of the model (reloaded): its own layout
      counts = undefined;
    }
    if (!counts) {
      counts = new FeatureCounts(ctx, featureLayout(ctx));
      this.pending.set(entry, counts);
    }
    return counts;
  }

  /** A newly stored event: its requests, latency, prediction and feature counts. */
  addEvent(e: RollupEvent, ctx: ModelContext) {
    const segment = segmentKey(e.segments);
    const ms = e.ts.getTime();
    this.metricCounts(e.model, floorMs(ms, MINUTE), e.version, segment).add(e, ctx);
    this.featureCounts(e.model, floorMs(ms, HOUR), e.version, segment, ctx).add(e.features, e.prediction, e.errorType !== null);
  }

  /** A label joined to (or taken back from) a stored prediction, counted in the prediction's buckets. */
  addLabel(
    p: { model: string; version: string; ts: Date; segments: Record<string, unknown> | null; prediction: unknown; probabilities?: Record<string, number> | null; errorType: string | null },
    actual: unknown,
    ctx: ModelContext,
    sign: 1 | -1,
  ) {
    const delta: Doc = {};
    addLabelMetrics(delta, p, actual, ctx, sign);
    if (Object.keys(delta).length === 0) return;
    for (const doc of this.metricDocs(p.model, floorMs(p.ts.getTime(), MINUTE), p.version, segmentKey(p.segments))) mergeInto(doc, delta);
    if (sign === -1) {
      const taken: Doc = {};
      for (const k in delta) taken[k] = -delta[k];
      mergeInto(this.metricDoc(p.model, "r", 0, p.version, ALL_SEGMENTS), taken);
    }
  }
}

