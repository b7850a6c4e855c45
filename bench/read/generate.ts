/**
 * Synthetic traffic for bench/read: 5 models (3 binary classifiers, 1 multiclass, 1 regression), 20 declared
 * features (14 numerical, 6 categorical of which 1 boolean), 2 versions, a segment key, ~1 % errors, latencies,
 * probabilities, labels for ~30 % of the predictions, and a drift episode in the last days.
 *
 * Everything comes from one seeded PRNG stream consumed in a fixed order, so a run is reproducible.
 */
import type { ModelDefinition } from "../../lib/models/schemas";

export type Task = "binary_classification" | "multiclass_classification" | "regression";
export type ModelSpec = { id: string; task: Task; classes: string[]; positiveClass?: string };

export const MODELS: ModelSpec[] = [
  { id: "fraud-detector", task: "binary_classification", classes: ["legit", "fraud"], positiveClass: "fraud" },
  { id: "churn-predictor", task: "binary_classification", classes: ["stay", "churn"], positiveClass: "churn" },
  { id: "credit-default", task: "binary_classification", classes: ["repaid", "default"], positiveClass: "default" },
  { id: "ticket-router", task: "multiclass_classification", classes: ["billing", "technical", "sales", "account"] },
  { id: "delivery-eta", task: "regression", classes: [] },
];

const COUNTRIES = ["DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"];
const COUNTRY_W = [0.25, 0.15, 0.2, 0.12, 0.08, 0.08, 0.07, 0.05];
const CHANNELS = ["web", "app", "pos"];
const DEVICES = ["ios", "android", "desktop", "tablet"];
const PLANS = ["free", "basic", "plus", "pro", "enterprise"];
const PLAN_W = [0.4, 0.25, 0.15, 0.15, 0.05];
/** During the drift episode paid plans grow (a marketing campaign, say). */
const PLAN_W_DRIFT = [0.2, 0.25, 0.2, 0.25, 0.1];
const BROWSERS = ["chrome", "safari", "firefox", "edge", "samsung", "other"];
const REGIONS = ["eu", "us", "apac"];
const REGION_W = [0.5, 0.35, 0.15];

/** The 20 declared features, in schema order; credit_score declares a range so out-of-range counts appear. */
export const FEATURES: NonNullable<ModelDefinition["features"]> = [
  { name: "amount", type: "numerical", min: 0 },
  { name: "age", type: "numerical", min: 18, max: 100 },
  { name: "income", type: "numerical", min: 0 },
  { name: "credit_score", type: "numerical", min: 300, max: 850 },
  { name: "tenure_months", type: "numerical", min: 0 },
  { name: "txn_count_24h", type: "numerical", min: 0 },
  { name: "avg_txn_amount", type: "numerical", min: 0 },
  { name: "balance", type: "numerical" },
  { name: "distance_km", type: "numerical", min: 0 },
  { name: "session_seconds", type: "numerical", min: 0 },
  { name: "pages_viewed", type: "numerical", min: 0 },
  { name: "device_age_days", type: "numerical", min: 0 },
  { name: "debt_ratio", type: "numerical", min: 0, max: 1 },
  { name: "hour_of_day", type: "numerical", min: 0, max: 23 },
  { name: "country", type: "categorical" },
  { name: "channel", type: "categorical" },
  { name: "device", type: "categorical" },
  { name: "plan", type: "categorical" },
  { name: "browser", type: "categorical" },
  { name: "is_new_customer", type: "categorical" },
];

/** Features the drift episode shifts (the rest keep their reference distribution). */
export const DRIFTING = ["amount", "credit_score", "distance_km", "debt_ratio", "country", "plan", "is_new_customer"];

/** mulberry32: fast, seedable, good enough for synthetic data. */
export class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Standard normal (Box–Muller, one of the pair). */
  normal(): number {
    const u = this.next() || 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  weighted<T>(xs: readonly T[], w: readonly number[]): T {
    let u = this.next();
    for (let i = 0; i < xs.length; i++) {
      u -= w[i];
      if (u < 0) return xs[i];
    }
    return xs[xs.length - 1];
  }
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r4 = (x: number) => Math.round(x * 10000) / 10000;

export type Features = Record<string, number | string | boolean>;

/** One event's features; `drift` shifts the DRIFTING features. income is missing in ~2 % of events. */
export function makeFeatures(r: Rng, drift: boolean): Features {
  const f: Features = {
    amount: r2(Math.exp(3.5 + r.normal()) * (drift ? 1.6 : 1)),
    age: 18 + Math.floor(r.next() * 62),
    credit_score: Math.round(680 + 60 * r.normal() - (drift ? 70 : 0)),
    tenure_months: Math.floor(r.next() * 120),
    txn_count_24h: Math.floor(-Math.log(r.next() || 1e-12) * 3),
    avg_txn_amount: r2(Math.exp(3 + 0.8 * r.normal())),
    balance: r2(5000 + 4000 * r.normal()),
    distance_km: r1(Math.abs(r.normal()) * 15 + (drift ? 12 : 0)),
    session_seconds: Math.round(Math.exp(5 + 0.7 * r.normal())),
    pages_viewed: 1 + Math.floor(-Math.log(r.next() || 1e-12) * 4),
    device_age_days: Math.floor(r.next() * 1500),
    debt_ratio: r3(r.next() * 0.8 + (drift ? 0.15 : 0)),
    hour_of_day: Math.floor(r.next() * 24),
    // a new category ("BR") appears during the drift episode: drift and data quality both see it
    country: drift && r.next() < 0.15 ? "BR" : r.weighted(COUNTRIES, COUNTRY_W),
    channel: r.pick(CHANNELS),
    device: r.pick(DEVICES),
    plan: r.weighted(PLANS, drift ? PLAN_W_DRIFT : PLAN_W),
    browser: r.pick(BROWSERS),
    is_new_customer: r.next() < (drift ? 0.35 : 0.2),
  };
  if (r.next() >= 0.02) f.income = Math.round(Math.exp(10.5 + 0.5 * r.normal()));
  return f;
}

export type Outcome = {
  prediction: string | number;
  probabilities: Record<string, number> | undefined;
  confidence: number | null;
  actual: string | number;
};

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** A prediction (with probabilities for classifiers) and the true outcome it will be labelled with. */
export function makeOutcome(r: Rng, m: ModelSpec, f: Features, drift: boolean): Outcome {
  if (m.task === "binary_classification") {
    const [neg, pos] = m.classes;
    const p = r4(sigmoid(-2.2 + 1.1 * r.normal() + (drift ? 0.6 : 0)));
    const probabilities = { [neg]: r4(1 - p), [pos]: p };
    return { prediction: p >= 0.5 ? pos : neg, probabilities, confidence: Math.max(p, r4(1 - p)), actual: r.next() < p ? pos : neg };
  }
  if (m.task === "multiclass_classification") {
    const bias = [0.8, 0.5, 0, -0.3];
    const e = m.classes.map((_, k) => Math.exp((bias[k] ?? -0.6) + 1.2 * r.normal()));
    const sum = e.reduce((a, b) => a + b, 0);
    const probabilities: Record<string, number> = {};
    let best = 0;
    for (let k = 0; k < e.length; k++) {
      probabilities[m.classes[k]] = r3(e[k] / sum);
      if (e[k] > e[best]) best = k;
    }
    let u = r.next();
    let actual = m.classes[m.classes.length - 1];
    for (let k = 0; k < e.length; k++) {
      u -= e[k] / sum;
      if (u < 0) {
        actual = m.classes[k];
        break;
      }
    }
    return { prediction: m.classes[best], probabilities, confidence: Math.max(...Object.values(probabilities)), actual };
  }
  const prediction = r2(25 + 0.8 * (f.distance_km as number) + 5 * r.normal());
  return { prediction, probabilities: undefined, confidence: null, actual: r2(prediction + 4 * r.normal()) };
}

/** The rest of an event: version (v2 rolls out at `deployAt`, then takes 70 %), segment, latency, error. */
export function makeEnvelope(r: Rng, ts: number, deployAt: number) {
  const version = ts >= deployAt && r.next() < 0.7 ? "v2" : "v1";
  const region = r.weighted(REGIONS, REGION_W);
  const latencyMs = r1(Math.exp(2.8 + 0.5 * r.normal()));
  const e = r.next();
  const errorType = e < 0.007 ? "timeout" : e < 0.01 ? "model_error" : null;
  return { version, segments: { region }, latencyMs, errorType };
}

/** A UUIDv7-shaped, time-ordered id (48-bit ms, then the global event number), as a well-behaved client sends. */
export function eventId(ms: number, seq: number): string {
  const t = ms.toString(16).padStart(12, "0");
  const s = seq.toString(16).padStart(15, "0");
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${s.slice(0, 3)}-8${s.slice(3, 6)}-${s.slice(6, 15)}000`;
}
