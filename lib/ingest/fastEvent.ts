import { MODEL_ID_PATTERN, VERSION_MAX_CHARS } from "../domain/ids";
import { isClassValue, isFeatureValue, isNum, isPlain, isRecord, isText } from "../domain/fastCheck";
import { EARLIEST, MAX_FUTURE_MS, RFC3339 } from "../domain/time";
import { MAX_FEATURES } from "../domain/values";
import type { PredictionEventInput } from "./schemas";

/*
 * A hand-written check of the common, valid prediction event, in front of the zod schema (schemas.ts
 * predictionEvent; the shared checks are in lib/domain/fastCheck.ts). It answers only when it is sure the event is
 * valid, with what predictionEvent.parse would return; on anything unusual or invalid it answers undefined and the
 * caller asks zod, so the accept/reject decision and every error message stay zod's. Property-tested against the
 * schema (fastEvent.test.ts).
 */

const EVENT_KEYS = new Set([
  "id", "model", "version", "timestamp", "features", "prediction", "probabilities", "confidence", "latencyMs", "error", "segments", "label",
]);

const isProbability = (x: unknown) => isNum(x) && x >= 0 && x <= 1;
const isSegmentValue = (x: unknown) => typeof x === "boolean" || isNum(x) || isText(x, 0, 128);

/** zod's timestamp: an RFC 3339 string (≤ 40 characters) or epoch milliseconds, 1990 to a day ahead of `now`. */
function timestampMs(v: unknown, now: number): number | undefined {
  let ms: number;
  if (typeof v === "number") ms = v;
  else if (typeof v === "string" && v.length <= 40 && RFC3339.test(v)) ms = Date.parse(v);
  else return undefined;
  if (!Number.isFinite(ms) || ms < EARLIEST || ms > now + MAX_FUTURE_MS) return undefined;
  return ms;
}

/**
 * The parsed event when `value` is certainly valid, else undefined (ask the schema). Sub-objects are shared, not
 * copied. `now`: the clock for the "a day ahead" bound, read once per batch by the caller (under Next.js every
 * Date.now() also goes through its prerender clock tracking).
 */
export function fastPredictionEvent(value: unknown, now: number = Date.now()): PredictionEventInput | undefined {
  if (!isPlain(value)) return undefined;
  const o = value;
  for (const k in o) if (!EVENT_KEYS.has(k) || !Object.hasOwn(o, k)) return undefined;
  const { id, model, version, timestamp, features, prediction, probabilities, confidence, latencyMs, error, segments, label } = o;

  if (typeof model !== "string" || !MODEL_ID_PATTERN.test(model)) return undefined;
  if (!isRecord(features, MAX_FEATURES, 128, isFeatureValue)) return undefined;
  const out: PredictionEventInput = { model, features: features as PredictionEventInput["features"] };

  if (id !== undefined) {
    if (typeof id === "string") {
      if (!isText(id, 1, 128)) return undefined;
      out.id = id;
    } else if (typeof id === "number" && Number.isSafeInteger(id) && id >= 0) out.id = String(id);
    else return undefined;
  }
  if (version !== undefined) {
    if (!isText(version, 1, VERSION_MAX_CHARS)) return undefined;
    out.version = version;
  }
  if (timestamp !== undefined) {
    const ms = timestampMs(timestamp, now);
    if (ms === undefined) return undefined;
    out.timestamp = new Date(ms);
  }
  if (prediction !== undefined) {
    if (prediction !== null && !isClassValue(prediction)) return undefined;
    out.prediction = prediction as PredictionEventInput["prediction"];
  }
  if (probabilities !== undefined) {
    if (!isRecord(probabilities, 1000, 256, isProbability)) return undefined;
    out.probabilities = probabilities as Record<string, number>;
  }
  if (confidence !== undefined) {
    if (!isNum(confidence) || confidence < 0 || confidence > 1) return undefined;
    out.confidence = confidence;
  }
  if (latencyMs !== undefined) {
    if (!isNum(latencyMs) || latencyMs < 0 || latencyMs > 86_400_000) return undefined;
    out.latencyMs = latencyMs;
  }
  if (error !== undefined) {
    if (!isPlain(error)) return undefined;
    for (const k in error) if ((k !== "type" && k !== "message") || !Object.hasOwn(error, k)) return undefined;
    const { type, message } = error;
    if (!isText(type, 1, 64)) return undefined;
    if (message === undefined) out.error = { type };
    else if (isText(message, 0, 2048)) out.error = { type, message };
    else return undefined;
  }
  if (segments !== undefined) {
    if (!isRecord(segments, 10, 64, isSegmentValue)) return undefined;
    out.segments = segments as Record<string, string | number | boolean>;
  }
  if (label !== undefined) {
    if (!isClassValue(label)) return undefined;
    out.label = label as PredictionEventInput["label"];
  }
  // The schema's refinement: a prediction, or an error when the prediction failed.
  if (out.error === undefined && (out.prediction === undefined || out.prediction === null)) return undefined;
  return out;
}
