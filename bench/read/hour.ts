/**
 * One hour of bench/read traffic: the COPY text of its events and labels and the rollup documents they fold
 * into, built by the write path's own RollupBatch. Each hour has its own PRNG stream and its own event numbers, so
 * hours can be generated in any order and in parallel (worker.ts) and still give the same data.
 */
import type { ModelContext } from "../../lib/rollups/context";
import { RollupBatch, type RollupEvent } from "../../lib/rollups/batch";
import { copyField } from "../../lib/db/copy";
import { layoutSignature } from "../../lib/db/featureLayouts";
import { eventRow, eventsCopyText, type EventRow } from "../../lib/ingest/predictions";
import { eventId, makeEnvelope, makeFeatures, makeOutcome, MODELS, Rng, type ModelSpec } from "./generate";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SPAN_DAYS = 30;
export const HOURS = SPAN_DAYS * 24;
/** v2 is deployed this many days into the 30-day span. */
const DEPLOY_DAY = 18;
/** The drift episode: the last this-many hours of the span (so the 48-hour heatmap shows its onset). */
export const DRIFT_HOURS = 36;
const LABEL_SHARE = 0.3;

/**
 * `models`: the models events go to, round-robin (default: bench/read's five). `fromHour`: load only the hours from
 * this one on (0–HOURS; default 0), each with the traffic the full plan gives it (bench/alerts' --tail-days).
 */
export type LoadPlan = { events: number; end: number; seed: number; models?: ModelSpec[]; fromHour?: number; layouts?: [string, number][] };

/** The key lists makeFeatures gives (income is left out of 2 % of events), whose layout ids the loader resolves first. */
export function featureSignatures(): string[] {
  const keys = Object.keys(makeFeatures(new Rng(1), false)).filter((k) => k !== "income");
  const sig = (ks: string[]) => layoutSignature(Object.fromEntries(ks.map((k) => [k, 0])));
  return [sig(keys), sig([...keys, "income"])];
}

/** What a worker hands back for one hour (structured-clone friendly: no class instances). */
export type HourData = {
  h: number;
  events: string;
  labels: string;
  count: number;
  labelCount: number;
  metrics: [string, RollupBatch["metrics"] extends Map<string, infer V> ? V : never][];
  features: [string, RollupBatch["features"] extends Map<string, infer V> ? V : never][];
  /** first event time per "model\0version" in this hour */
  firstSeen: [string, number][];
  /** hour 0 only: a few events in the API's shape and as folded, to check against the write path's validation */
  sample?: { api: unknown[]; rows: RollupEvent[] };
};

/** Events are spread evenly over [end − 30 d, end) and round-robin over the models, in time order. */
export function generateHour(plan: LoadPlan, ctxs: Map<string, ModelContext>, h: number): HourData {
  const r = new Rng((plan.seed * 1_000_003 + h * 7919) >>> 0);
  const models = plan.models ?? MODELS;
  const start = plan.end - SPAN_DAYS * DAY;
  const deployAt = start + DEPLOY_DAY * DAY;
  const driftFrom = plan.end - DRIFT_HOURS * HOUR;
  const first = Math.floor((h * plan.events) / HOURS);
  const n = Math.floor(((h + 1) * plan.events) / HOURS) - first;
  const hourStart = start + h * HOUR;
  const ev: EventRow[] = new Array(n);
  const layouts = new Map(plan.layouts ?? []);
  const lb: string[] = [];
  const batch = new RollupBatch();
  const firstSeen = new Map<string, number>();
  const sample = h === 0 ? { api: [] as unknown[], rows: [] as RollupEvent[] } : undefined;
  for (let k = 0; k < n; k++) {
    const seq = first + k;
    const ms = hourStart + Math.floor(((k + 0.5) * HOUR) / n);
    const m: ModelSpec = models[seq % models.length];
    const ctx = ctxs.get(m.id)!;
    const drift = ms >= driftFrom;
    const env = makeEnvelope(r, ms, deployAt);
    const features = makeFeatures(r, drift);
    const out = makeOutcome(r, m, features, drift);
    const failed = env.errorType !== null;
    const id = eventId(ms, seq);
    const ts = new Date(ms);
    const iso = ts.toISOString();
    const fsKey = `${m.id}\u0000${env.version}`;
    if (!firstSeen.has(fsKey)) firstSeen.set(fsKey, ms);
    // A failed prediction carries no prediction or probabilities, so it has no confidence either.
    const e: RollupEvent = {
      model: m.id,
      version: env.version,
      ts,
      features,
      prediction: failed ? null : out.prediction,
      probabilities: failed ? undefined : out.probabilities,
      confidence: failed ? null : out.confidence,
      latencyMs: env.latencyMs,
      errorType: env.errorType,
      segments: env.segments,
    };
    batch.addEvent(e, ctx);
    const api = {
      id, model: m.id, version: e.version, timestamp: iso, features, segments: e.segments, latencyMs: e.latencyMs,
      ...(failed ? { error: { type: e.errorType! } } : { prediction: e.prediction!, ...(e.probabilities ? { probabilities: e.probabilities } : {}) }),
    };
    // the write path's own row and COPY text (eventRow, eventsCopyText), with the layout the loader resolved
    const row = (ev[k] = eventRow({ ...api, timestamp: ts } as Parameters<typeof eventRow>[0], ts));
    row.layoutId = layouts.get(layoutSignature(features));
    if (row.layoutId === undefined) throw new Error(`no layout resolved for the features ${layoutSignature(features)}`);
    // Labels arrive two hours later; they count in the prediction's own buckets, as a late label does.
    if (!failed && r.next() < LABEL_SHARE) {
      lb.push([m.id, id, copyField(JSON.stringify(out.actual)), new Date(ms + 2 * HOUR).toISOString()].join("\t"));
      batch.addLabel(e, out.actual, ctx, 1);
    }
    if (sample && sample.api.length < 200) {
      sample.api.push(api);
      sample.rows.push(e);
    }
  }
  return {
    h,
    events: eventsCopyText(ev),
    labels: lb.length ? lb.join("\n") + "\n" : "",
    count: n,
    labelCount: lb.length,
    metrics: [...batch.metrics],
    features: [...batch.features],
    firstSeen: [...firstSeen],
    ...(sample ? { sample } : {}),
  };
}

/** The rollup batch of an hour handed back by a worker, ready for writeRollups. */
export function toBatch(d: HourData): RollupBatch {
  const batch = new RollupBatch();
  for (const [k, v] of d.metrics) batch.metrics.set(k, v);
  for (const [k, v] of d.features) batch.features.set(k, v);
  return batch;
}
