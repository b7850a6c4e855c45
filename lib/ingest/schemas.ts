import { z, type ZodError } from "zod";
import { modelId, predictionId, versionName } from "../domain/ids";
import { text } from "../domain/text";
import { timestamp } from "../domain/time";
import { boundedRecord, classValue, featureValues } from "../domain/values";
import { zodIssues } from "../errors";
import { OUTSIDE_RETENTION } from "../retention/horizon";

/**
 * Ingest schemas, built from shared fragments with a bound on every field. They check structure only; values
 * that break a model's own schema (wrong type for a feature, out of range, unseen category) are accepted and
 * counted as data-quality findings later, never dropped.
 */

export const predictionEvent = z
  .strictObject({
    id: predictionId.optional(),
    model: modelId,
    version: versionName.optional(),
    timestamp: timestamp.optional(),
    features: featureValues,
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
export type Rejection = {
  index: number;
  line?: number;
  id?: string;
  /** set for a rejection that is not a schema error: `event_outside_retention` (dated before the retention horizon) */
  code?: string;
  errors: { path: string; message: string }[];
};

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

/**
 * The rejection of an item dated before the retention horizon: its partition may be gone, and a rollup counted
 * without its raw row would make a recount disagree, so it is refused rather than stored.
 */
export function outsideRetention(item: { index: number; line?: number; value?: unknown }, horizon: Date): Rejection {
  const id = (item.value as { id?: unknown } | null | undefined)?.id;
  return {
    index: item.index,
    ...(item.line === undefined ? {} : { line: item.line }),
    ...(typeof id === "string" || typeof id === "number" ? { id: String(id) } : {}),
    code: OUTSIDE_RETENTION,
    errors: [{ path: "timestamp", message: `older than the raw-event retention: only times from ${horizon.toISOString()} on are taken` }],
  };
}
