/**
 * The demo's three models and their story, as pure functions of (seeded random, time): a fraud classifier with
 * probabilities, a multiclass ticket router and a regression ETA model. Times are relative to the anchor (the
 * hour the demo started), so every run tells the same week:
 * - fraud-detector: v2 deployed 3.5 days ago (sharper scores: accuracy up, latency a little up); a drift episode
 *   from 30 to 18 hours ago (larger amounts, more US traffic, account age missing far more often), inside the
 *   drift page's default 48 hours;
 * - ticket-router: v2024.12 deployed 5 days ago (fewer misroutes); a latency incident from 10 to 8 hours ago (p99
 *   near a second); ~1.5 % errors throughout;
 * - delivery-eta: an error burst 4 days ago for an hour (a fifth of requests fail); v2 3 days ago (smaller errors).
 * Labels arrive late: fraud outcomes within minutes to a day, ticket routing within hours, deliveries within
 * 30–90 minutes.
 */
import { type Rng, lognormal, normal, pick, weighted } from "./random";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export type Prediction = {
  features: Record<string, number | string | boolean | null>;
  prediction: string | number;
  probabilities?: Record<string, number>;
  latencyMs: number;
  error?: { type: string };
  version: string;
  segments?: Record<string, string>;
  /** the ground truth, and how long after the prediction it becomes known (ms); null: never labelled */
  actual: string | number;
  labelDelayMs: number | null;
};

export type ModelSpec = {
  id: string;
  definition: Record<string, unknown>;
  /** events per hour at normal traffic (the backfill and the live stream scale it) */
  perHour: number;
  /** one prediction at time t (ms), `anchor` being the demo's start hour */
  event: (r: Rng, t: number, anchor: number) => Prediction;
  /** a training row for the reference */
  referenceRow: (r: Rng) => { features: Prediction["features"]; prediction: string | number; actual: string | number };
  /**
   * Thresholds of the default rules that the model's owners set to its normal, as a team does after its first false
   * alarms (PATCH /api/v1/alert-rules/{id}); the defaults (accuracy < 0.9, p25 confidence < 0.6) suit a binary
   * classifier, not a four-queue router that is right 81 % of the time.
   */
  ruleThresholds?: Record<string, number>;
};

const within = (t: number, from: number, to: number) => t >= from && t < to;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Episodes, as offsets from the anchor. */
export const EPISODES = {
  fraudV2: -3.5 * DAY,
  fraudDrift: [-30 * HOUR, -18 * HOUR] as const,
  ticketV2: -5 * DAY,
  ticketLatency: [-10 * HOUR, -8 * HOUR] as const,
  etaErrors: [-4 * DAY, -4 * DAY + HOUR] as const,
  etaV2: -3 * DAY,
};

/** Daily rhythm: traffic peaks in the afternoon (UTC) and dips at night. */
export function trafficFactor(t: number): number {
  const h = new Date(t).getUTCHours() + new Date(t).getUTCMinutes() / 60;
  return 0.55 + 0.45 * Math.sin(((h - 8) / 24) * 2 * Math.PI) + 0.25;
}

const COUNTRIES = ["DE", "FR", "US", "GB", "ES", "IT"];

function fraudFeatures(r: Rng, drifting: boolean) {
  const country = drifting ? weighted(r, COUNTRIES, [0.15, 0.12, 0.45, 0.12, 0.08, 0.08]) : weighted(r, COUNTRIES, [0.3, 0.2, 0.15, 0.15, 0.1, 0.1]);
  const amount = Math.round(lognormal(r, Math.log(drifting ? 95 : 60), 0.8) * 100) / 100;
  const ageMissing = r() < (drifting ? 0.3 : 0.015);
  return {
    amount,
    country,
    account_age_days: ageMissing ? null : Math.round(lognormal(r, Math.log(400), 1.1)),
    device: weighted(r, ["mobile", "desktop", "tablet"], [0.6, 0.32, 0.08]),
    hour_of_day: Math.floor(r() * 24),
    has_2fa: r() < 0.7,
  };
}

function fraudTruth(r: Rng, f: ReturnType<typeof fraudFeatures>) {
  const z = -3.2 + 0.9 * Math.log(f.amount / 60) + (f.country === "US" ? 0.6 : 0) + (f.account_age_days !== null && f.account_age_days < 30 ? 1.2 : 0) + (f.has_2fa ? -0.8 : 0);
  return sigmoid(z + normal(r) * 0.3);
}

const fraud: ModelSpec = {
  id: "fraud-detector",
  perHour: 600,
  definition: {
    name: "Fraud detector",
    description: "Scores card payments; labels arrive when disputes are settled.",
    task: "binary_classification",
    classes: ["legit", "fraud"],
    positiveClass: "fraud",
    features: [
      { name: "amount", type: "numerical", min: 0, importance: 0.34 },
      { name: "country", type: "categorical", allowed: COUNTRIES, importance: 0.21 },
      { name: "account_age_days", type: "numerical", min: 0, importance: 0.18 },
      { name: "device", type: "categorical", allowed: ["mobile", "desktop", "tablet"], importance: 0.09 },
      { name: "hour_of_day", type: "numerical", min: 0, max: 23, importance: 0.06 },
      { name: "has_2fa", type: "categorical", importance: 0.12 },
    ],
  },
  event(r, t, anchor) {
    const drifting = within(t, anchor + EPISODES.fraudDrift[0], anchor + EPISODES.fraudDrift[1]);
    const v2 = t >= anchor + EPISODES.fraudV2;
    const features = fraudFeatures(r, drifting);
    const p = fraudTruth(r, features);
    const fraudulent = r() < p;
    const score = clamp(p + normal(r) * (v2 ? 0.07 : 0.16) + (fraudulent ? (v2 ? 0.25 : 0.12) : 0), 0.001, 0.999);
    return {
      features,
      prediction: score >= 0.5 ? "fraud" : "legit",
      probabilities: { fraud: Number(score.toFixed(4)), legit: Number((1 - score).toFixed(4)) },
      latencyMs: lognormal(r, Math.log(v2 ? 48 : 36), 0.35),
      ...(r() < 0.003 ? { error: { type: "feature_store_timeout" } } : {}),
      version: v2 ? "v2" : "v1",
      segments: { region: features.country === "US" ? "us" : "eu" },
      actual: fraudulent ? "fraud" : "legit",
      labelDelayMs: r() < 0.65 ? 5 * 60_000 + r() * DAY : null,
    };
  },
  referenceRow(r) {
    const features = fraudFeatures(r, false);
    const p = fraudTruth(r, features);
    const fraudulent = r() < p;
    return { features, prediction: p + normal(r) * 0.16 >= 0.5 ? "fraud" : "legit", actual: fraudulent ? "fraud" : "legit" };
  },
};

const TOPICS = ["billing", "technical", "sales", "account"];

function ticketFeatures(r: Rng) {
  return {
    message_length: Math.round(lognormal(r, Math.log(320), 0.7)),
    channel: weighted(r, ["email", "chat", "phone"], [0.5, 0.38, 0.12]),
    customer_tier: weighted(r, ["free", "pro", "enterprise"], [0.55, 0.35, 0.1]),
    sentiment: Number(clamp(normal(r) * 0.45 - 0.1, -1, 1).toFixed(3)),
    attachments: Math.floor(lognormal(r, 0, 0.9)),
  };
}

function ticketTruth(r: Rng, f: ReturnType<typeof ticketFeatures>) {
  const w = [
    1.2 + (f.customer_tier === "free" ? 0.4 : 0),
    1 + (f.attachments > 1 ? 0.8 : 0) + (f.message_length > 500 ? 0.4 : 0),
    0.6 + (f.channel === "phone" ? 0.9 : 0),
    0.7 + (f.sentiment < -0.4 ? 0.6 : 0),
  ];
  return weighted(r, TOPICS, w);
}

const ticket: ModelSpec = {
  id: "ticket-router",
  perHour: 180,
  definition: {
    name: "Ticket router",
    description: "Routes support tickets to a queue; agents correct the queue when it is wrong.",
    task: "multiclass_classification",
    classes: TOPICS,
    features: [
      { name: "message_length", type: "numerical", min: 0, importance: 0.3 },
      { name: "channel", type: "categorical", allowed: ["email", "chat", "phone"], importance: 0.25 },
      { name: "customer_tier", type: "categorical", allowed: ["free", "pro", "enterprise"], importance: 0.2 },
      { name: "sentiment", type: "numerical", min: -1, max: 1, importance: 0.15 },
      { name: "attachments", type: "numerical", min: 0, importance: 0.1 },
    ],
  },
  event(r, t, anchor) {
    const slow = within(t, anchor + EPISODES.ticketLatency[0], anchor + EPISODES.ticketLatency[1]);
    const v2 = t >= anchor + EPISODES.ticketV2;
    const features = ticketFeatures(r);
    const actual = ticketTruth(r, features);
    const correct = r() < (v2 ? 0.81 : 0.7);
    const predicted = correct ? actual : pick(r, TOPICS.filter((c) => c !== actual));
    const conf = clamp((correct ? 0.62 : 0.45) + normal(r) * 0.12, 0.26, 0.97);
    const rest = (1 - conf) / 3;
    return {
      features,
      prediction: predicted,
      probabilities: Object.fromEntries(TOPICS.map((c) => [c, Number((c === predicted ? conf : rest).toFixed(4))])),
      latencyMs: slow ? lognormal(r, Math.log(620), 0.3) : lognormal(r, Math.log(85), 0.4),
      ...(r() < 0.015 ? { error: { type: r() < 0.7 ? "timeout" : "tokenizer_error" } } : {}),
      version: v2 ? "2024.12" : "2024.11",
      segments: { channel: features.channel },
      actual,
      labelDelayMs: r() < 0.45 ? HOUR + r() * 5 * HOUR : null,
    };
  },
  // v2 is right 81 % of the time with a p25 confidence near 0.5; these stay quiet on its normal days and fire
  // where it falls below them (v1 at 70 % over a day would).
  ruleThresholds: { LowAccuracy: 0.75, LowConfidence: 0.42 },
  referenceRow(r) {
    const features = ticketFeatures(r);
    const actual = ticketTruth(r, features);
    return { features, prediction: r() < 0.74 ? actual : pick(r, TOPICS), actual };
  },
};

const WEATHER = ["clear", "rain", "snow"];

function etaFeatures(r: Rng) {
  return {
    distance_km: Number(lognormal(r, Math.log(4.5), 0.6).toFixed(2)),
    items: 1 + Math.floor(lognormal(r, 0.6, 0.7)),
    weather: weighted(r, WEATHER, [0.7, 0.25, 0.05]),
    courier_rating: Number(clamp(4.6 + normal(r) * 0.25, 1, 5).toFixed(2)),
  };
}

const etaTruth = (r: Rng, f: ReturnType<typeof etaFeatures>) =>
  Math.max(6, 9 + 3.1 * f.distance_km + 1.4 * f.items + (f.weather === "rain" ? 6 : f.weather === "snow" ? 15 : 0) - 3 * (f.courier_rating - 4.6) + normal(r) * 3);

const eta: ModelSpec = {
  id: "delivery-eta",
  perHour: 240,
  definition: {
    name: "Delivery ETA",
    description: "Predicts minutes to the door; the label is the real delivery time.",
    task: "regression",
    features: [
      { name: "distance_km", type: "numerical", min: 0, importance: 0.5 },
      { name: "items", type: "numerical", min: 1, importance: 0.15 },
      { name: "weather", type: "categorical", allowed: WEATHER, importance: 0.25 },
      { name: "courier_rating", type: "numerical", min: 1, max: 5, importance: 0.1 },
    ],
  },
  event(r, t, anchor) {
    const burst = within(t, anchor + EPISODES.etaErrors[0], anchor + EPISODES.etaErrors[1]);
    const v2 = t >= anchor + EPISODES.etaV2;
    const features = etaFeatures(r);
    const actual = etaTruth(r, features);
    return {
      features,
      prediction: Number((actual + normal(r) * (v2 ? 3.5 : 6.5)).toFixed(1)),
      latencyMs: lognormal(r, Math.log(22), 0.3),
      ...(burst ? (r() < 0.22 ? { error: { type: "routing_service_503" } } : {}) : r() < 0.002 ? { error: { type: "timeout" } } : {}),
      version: v2 ? "v2" : "v1",
      segments: { city: weighted(r, ["berlin", "paris", "madrid"], [0.5, 0.3, 0.2]) },
      actual: Number(actual.toFixed(1)),
      labelDelayMs: r() < 0.85 ? 30 * 60_000 + r() * HOUR : null,
    };
  },
  referenceRow(r) {
    const features = etaFeatures(r);
    const actual = etaTruth(r, features);
    return { features, prediction: Number((actual + normal(r) * 6.5).toFixed(1)), actual: Number(actual.toFixed(1)) };
  },
};

export const MODELS: ModelSpec[] = [fraud, ticket, eta];
