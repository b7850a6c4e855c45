/**
 * The largest magnitude of a number summed into rollups (feature values, regression predictions and labels):
 * sums of squares of 1e100 over billions of events stay finite, where 1e200 would overflow to Infinity (which
 * JSON cannot hold). Feature values beyond it count as values of the wrong type; predictions and labels beyond
 * it are rejected at ingest.
 */
export const MAX_MAGNITUDE = 1e100;

/** A number rollups can sum: within ±MAX_MAGNITUDE (so finite). The one rule for ingest, rollups, profiles and drift. */
export const isSummable = (v: unknown): v is number => typeof v === "number" && v >= -MAX_MAGNITUDE && v <= MAX_MAGNITUDE;
