import { isClassValue, isFeatureValue, isPlain, isText } from "../../domain/fastCheck";
import { MAX_FEATURES } from "../../domain/values";

export type ReferenceRowInput = {
  features: Record<string, string | number | boolean | null>;
  prediction?: string | number | boolean | null;
  actual?: string | number | boolean | null;
};

/**
 * Feature names already found to be plain keys (1–128 characters of safe text, not "__proto__"): a reference's
 * rows repeat the same few names, so each is checked once instead of on every row (the check's regex was a
 * fifth of this function's time). Bounded: past KNOWN_MAX names, new ones are checked every time.
 */
const knownKeys = new Set<string>();
const KNOWN_MAX = 10_000;

const isFeatureKey = (k: string) => {
  if (knownKeys.has(k)) return true;
  if (!isText(k, 1, 128) || k === "__proto__") return false;
  if (knownKeys.size < KNOWN_MAX) knownKeys.add(k);
  return true;
};

/** lib/domain isRecord(features, MAX_FEATURES, 128, isFeatureValue), with the names' check remembered. */
function isFeatures(v: unknown): v is ReferenceRowInput["features"] {
  if (!isPlain(v)) return false;
  let n = 0;
  for (const k in v) {
    if (!isFeatureKey(k) || !Object.hasOwn(v, k) || !isFeatureValue(v[k])) return false;
    n++;
  }
  return n <= MAX_FEATURES;
}

/**
 * The parsed reference row when `value` is certainly valid, else undefined (ask upload.ts `referenceRow`, whose
 * answer and messages decide). The features object is shared, not copied. Zod's generic record check cost about
 * 5× the rest of an upload's per-row work (parse, profile, insert); this answers the common row in a fraction.
 * Property-tested against the schema (fastRow.test.ts).
 */
export function fastReferenceRow(value: unknown): ReferenceRowInput | undefined {
  if (!isPlain(value)) return undefined;
  for (const k in value) if ((k !== "features" && k !== "prediction" && k !== "actual") || !Object.hasOwn(value, k)) return undefined;
  const { features, prediction, actual } = value;
  if (!isFeatures(features)) return undefined;
  const out: ReferenceRowInput = { features };
  if (prediction !== undefined) {
    if (prediction !== null && !isClassValue(prediction)) return undefined;
    out.prediction = prediction as ReferenceRowInput["prediction"];
  }
  if (actual !== undefined) {
    if (actual !== null && !isClassValue(actual)) return undefined;
    out.actual = actual as ReferenceRowInput["actual"];
  }
  return out;
}
