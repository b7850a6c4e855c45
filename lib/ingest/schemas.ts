import { z, type ZodError } from "zod";
import { zodIssues } from "../errors";
import { MAX_MAGNITUDE } from "../rollups/format";

/**
 * Ingest schemas, built from shared fragments with a bound on every field. They check structure only; values
 * that break a model's own schema (wrong type for a feature, out of range, unseen category) are accepted and
 * counted as data-quality findings later, never dropped.
 */

/**
 * Characters no stored text may hold: NUL (PostgreSQL's text and jsonb cannot hold it), the information
 * separators U+001C–U+001F (rollup document keys are joined with them, lib/rollups/format.ts) and unpaired
 * surrogates (not Unicode: jsonb rejects them and UTF-8 cannot encode them). A quick test, true also for some
 * safe text (any surrogate, paired or not): use it to decide whether to look closer.
 */
export const MAYBE_UNSAFE_TEXT = /[\u0000\u001c-\u001f\ud800-\udfff]/;
const UNSAFE_CONTROLS = /[\u0000\u001c-\u001f]/g;

/** `s` with NUL and U+001C–U+001F replaced by U+FFFD and unpaired surrogates made U+FFFD (as UTF-8 would store them). */
export function safeText(s: string): string {
  if (!MAYBE_UNSAFE_TEXT.test(s)) return s;
  return s.toWellFormed().replace(UNSAFE_CONTROLS, "\ufffd");
}

const UNSAFE_MESSAGE = "must not contain NUL, the control characters U+001C–U+001F or unpaired surrogates";

/** Free text (feature names and values, classes, error types, segments): stored with unsafe characters replaced. */
export const text = (min: number, max: number) => z.string().min(min).max(max).transform(safeText);

/** Names that must be stored exactly as sent (prediction ids, versions, declared names): unsafe characters are an error. */
export const exactText = (min: number, max: number) =>
  z.string().min(min).max(max).refine((s) => s === safeText(s), UNSAFE_MESSAGE);


export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const modelId = z
  .string()
  .regex(MODEL_ID_PATTERN, "must be 1–64 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit");

/** Prediction ids: strings (or integers, stored as their decimal string) of 1–128 characters. */
export const predictionId = z
  .union([exactText(1, 128), z.number().int().nonnegative()])
  .transform((v) => String(v));

export const EARLIEST = Date.UTC(1990, 0, 1);
export const MAX_FUTURE_MS = 24 * 3600 * 1000;
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 string or epoch milliseconds, from 1990 to one day ahead of the server's clock. */
export const timestamp = z
  .union([z.string().max(40), z.number()])
  .transform((v, ctx) => {
    const ms = typeof v === "number" ? v : RFC3339.test(v) ? Date.parse(v) : NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "must be an RFC 3339 time with a zone (e.g. 2026-11-20T10:15:00Z) or epoch milliseconds" });
      return z.NEVER;
    }
    if (ms < EARLIEST || ms > Date.now() + MAX_FUTURE_MS) {
      ctx.addIssue({ code: "custom", message: "must lie between 1990-01-01 and one day after the server's current time" });
      return z.NEVER;
    }
    return new Date(ms);
  });

/** Class labels and ground truth: a string, boolean or number of magnitude up to MAX_MAGNITUDE. */
export const classValue = z.union([text(1, 256), z.boolean(), z.number().min(-MAX_MAGNITUDE).max(MAX_MAGNITUDE)]);
export const featureValue = z.union([z.number(), text(0, 1024), z.boolean(), z.null()]);

export const boundedRecord = <T extends z.ZodType>(value: T, maxKeys: number, keyMax: number) =>
  z
    .record(text(1, keyMax), value)
    .refine((r) => Object.keys(r).length <= maxKeys, `must have at most ${maxKeys} keys`);

export const MAX_FEATURES = 1000;

export const predictionEvent = z
  .strictObject({
    id: predictionId.optional(),
    model: modelId,
    version: exactText(1, 64).optional(),
    timestamp: timestamp.optional(),
    features: boundedRecord(featureValue, MAX_FEATURES, 128),
    prediction: classValue.nullable().optional(),
    probabilities: boundedRecord(z.number().min(0).max(1), 1000, 256).optional(),
    confidence: z.number().min(0).max(1).optional(),
    latencyMs: z.number().min(0).max(86_400_000).optional(),
    error: z
      .strictObject({ type: text(1, 64), message: text(0, 2048).optional() })
      .optional(),
    segments: boundedRecord(z.union([text(0, 128), z.number(), z.boolean()]), 10, 64).optional(),
    label: classValue.optional(),
  })
  .refine((e) => e.error !== undefined || (e.prediction !== undefined && e.prediction !== null), {
    message: "an event needs a prediction, or an error when the prediction failed",
    path: ["prediction"],
  });
export type PredictionEventInput = z.infer<typeof predictionEvent>;

export const labelEvent = z.strictObject({
  model: modelId,
  id: predictionId,
  actual: classValue,
  timestamp: timestamp.optional(),
});
export type LabelEventInput = z.infer<typeof labelEvent>;

/** The per-item rejection reported back to the client. */
export type Rejection = { index: number; line?: number; id?: string; errors: { path: string; message: string }[] };

/**
 * The rejection of an item that is not JSON (its parse error) or fails its schema (the zod issues): its index,
 * its NDJSON line, and its id when it carries one, so the client can find it.
 */
export function rejection(item: { index: number; line?: number; value?: unknown; parseError?: string }, error?: ZodError): Rejection {
  const id = (item.value as { id?: unknown } | null | undefined)?.id;
  return {
    index: item.index,
    ...(item.line === undefined ? {} : { line: item.line }),
    ...(typeof id === "string" || typeof id === "number" ? { id: String(id) } : {}),
    errors: error ? zodIssues(error) : [{ path: "", message: item.parseError ?? "invalid" }],
  };
}
