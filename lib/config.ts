import os from "node:os";
import path from "node:path";

/** Reads a positive integer from the environment, falling back to a default; a bad value is a start-up error. */
function intFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Runtime settings, read from the environment each call so tests can change them. */
export function config() {
  return {
    databaseUrl: process.env.DATABASE_URL || undefined,
    /** Where the embedded database lives when DATABASE_URL is unset. */
    dataDir: path.resolve(/*turbopackIgnore: true*/ process.env.DRIFTWATCH_DATA_DIR || path.join(process.cwd(), ".data")),
    adminToken: process.env.DRIFTWATCH_ADMIN_TOKEN || undefined,
    /** Largest ingest request body, in bytes (default 10 MB). */
    maxBodyBytes: intFromEnv("DRIFTWATCH_MAX_BODY_BYTES", 10 * 1024 * 1024),
    /**
     * Most features one model may have (default 500): new names beyond it are not registered, and the ingest
     * answer lists them as `unregisteredFeatures` (their values stay in the raw events, uncounted).
     */
    maxFeaturesPerModel: intFromEnv("DRIFTWATCH_MAX_FEATURES_PER_MODEL", 500),
    /** Requests a second each API key, user session or the admin token may send (0: no limit), per process. */
    rateLimitPerSecond: intFromEnv("DRIFTWATCH_RATE_LIMIT_PER_SECOND", 500, 0),
    /** How many requests a credential may send at once before the rate applies (default: twice the rate). */
    rateLimitBurst: intFromEnv("DRIFTWATCH_RATE_LIMIT_BURST", 2 * intFromEnv("DRIFTWATCH_RATE_LIMIT_PER_SECOND", 500, 0) || 1),
    /** Raw-value drift reads (ks, wasserstein, evidently, a version's own reference) running at once per process. */
    heavyReads: intFromEnv("DRIFTWATCH_HEAVY_READS", 2),
    /** Raw-value drift reads that may wait for a slot; beyond them a read answers 503 with Retry-After. */
    heavyReadQueue: intFromEnv("DRIFTWATCH_HEAVY_READ_QUEUE", 8, 0),
    /**
     * Worker threads per process that run the raw-value drift methods off the event loop (default: one less than
     * the cores, at least 1); 0 runs them on the main thread between other requests.
     */
    driftThreads: intFromEnv("DRIFTWATCH_DRIFT_THREADS", Math.max(1, os.availableParallelism() - 1), 0),
    /** Most events or labels in one ingest request. */
    maxBatchEvents: intFromEnv("DRIFTWATCH_MAX_BATCH_EVENTS", 10_000),
    /**
     * Largest JSON reference upload, in bytes (default 16 MB). A JSON body is parsed whole, so it is kept small;
     * larger references go as NDJSON, which streams.
     */
    maxReferenceJsonBytes: intFromEnv("DRIFTWATCH_MAX_REFERENCE_JSON_BYTES", 16 * 1024 * 1024),
    /** Largest NDJSON reference upload, in bytes (default 4 GB); it streams, so this bounds time, not memory. */
    maxReferenceBytes: intFromEnv("DRIFTWATCH_MAX_REFERENCE_BYTES", 4 * 1024 * 1024 * 1024),
    /** Longest line of an NDJSON reference upload, in bytes (default 1 MB); a longer line is rejected on its own. */
    maxLineBytes: intFromEnv("DRIFTWATCH_MAX_LINE_BYTES", 1024 * 1024),
    maxReferenceRows: intFromEnv("DRIFTWATCH_MAX_REFERENCE_ROWS", 10_000_000),
    metricsPublic: process.env.METRICS_PUBLIC === "true",
    /** Driftwatch's address as its users reach it (links in the Prometheus rules); unset: the request's own origin. */
    publicUrl: process.env.DRIFTWATCH_PUBLIC_URL || undefined,
    /** Most series of model data one /metrics scrape exports; the rest are dropped and counted. */
    metricsMaxSeries: intFromEnv("DRIFTWATCH_METRICS_MAX_SERIES", 100_000),
    /** Most predicted classes and error types /metrics exports per model version; the rest are dropped and counted. */
    metricsMaxLabelValues: intFromEnv("DRIFTWATCH_METRICS_MAX_LABEL_VALUES", 100),
    /** Server processes `npm start` runs on one port (PostgreSQL only: the embedded database has one owner). */
    workers: intFromEnv("DRIFTWATCH_WORKERS", 1),
    /**
     * Threads of each server process that store prediction batches (PostgreSQL, `npm start`; 0: the request's own
     * thread, as always on the embedded database and under `npm run dev`): lib/ingest/threads/pool.ts.
     */
    ingestThreads: intFromEnv("DRIFTWATCH_INGEST_THREADS", 2, 0),
    /** On SIGTERM/SIGINT, how long requests in flight may take before the server exits without them. */
    shutdownTimeoutSeconds: intFromEnv("DRIFTWATCH_SHUTDOWN_TIMEOUT_SECONDS", 25),
  };
}

export type Config = ReturnType<typeof config>;
