import "server-only";
import { getDb, Prisma } from "../db/client";
import { type StoredFeatures, withFeatures } from "../db/featureLayouts";
import { HOUR } from "../domain/time";
import { DRIFT_METHODS, type DriftMethod, RAW_METHODS, type WindowDrift } from "../drift/computeDrift";
import { driftSettings, needsRawValues, type RawDriftEvent, windowDrift, windowDriftWith } from "../drift/windowDrift";
import { type DriftThreadSession, driftThreadSession } from "./driftThreads";
import { ApiError, unprocessable } from "../errors";
import { currentReference } from "../models/references/store";
import { type Doc, mergeByKey } from "../rollups/documents";
import { featureDocsOnReference, singleWindowFeatureDoc } from "./featureWindow";
import { withHeavyReadSlot, yieldToEventLoop } from "./heavyReads";
import { eventFilters, fetchFeatureRollups, fetchMetricRollups } from "./fetchRollups";
import { bucketOf, bucketStarts, type ReadQuery } from "./params";

/** Raw values read per window for the raw-value methods; beyond it, a uniform sample of this size. */
export const RAW_LIMIT = 100_000;
/** Most series windows a request with raw-value methods may have: each window reads its own raw events. */
export const MAX_RAW_WINDOWS = 60;

export type DriftResponse = {
  model: string;
  /** `sampled`: the raw-value methods compare with a uniform sample of RAW_LIMIT reference values, not all of them */
  reference: { id: string; version: string | null; rows: number; createdAt: string; sampled: boolean };
  from: string;
  to: string;
  step: string | null;
  window: "series" | "single";
  methods: DriftMethod[];
  features: { name: string; type: string; importance: number | null }[];
  windows: ({ start: string; end: string; rawValues?: { count: number; sampled: boolean } } & WindowDrift)[];
};

/** `bins=true|false` (absent: false). */
export function parseBins(raw: string | null): boolean {
  if (raw === null || raw === "false") return false;
  if (raw === "true") return true;
  throw unprocessable("Invalid query.", [{ path: "bins", message: "must be true or false" }]);
}

export function parseMethods(raw: string | null): DriftMethod[] {
  if (!raw) return [];
  const out: DriftMethod[] = [];
  for (const m of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!(DRIFT_METHODS as readonly string[]).includes(m)) {
      throw unprocessable("Invalid query.", [{ path: "methods", message: `unknown method '${m}'; use ${DRIFT_METHODS.join(", ")}` }]);
    }
    out.push(m as DriftMethod);
  }
  return [...new Set(out)];
}

/** The window's events for the raw-value methods: all of them up to RAW_LIMIT, else a uniform sample (by hash of id). */
async function rawEvents(model: string, q: ReadQuery, from: number, to: number): Promise<{ rows: RawDriftEvent[]; count: number }> {
  const db = getDb();
  const where = Prisma.sql`model_id = ${model} AND ts >= ${new Date(from)} AND ts < ${new Date(to)} AND error_type IS NULL ${eventFilters(q)}`;
  const [{ n }] = await db.$queryRaw<{ n: number }[]>(Prisma.sql`SELECT count(*)::int AS n FROM prediction_events WHERE ${where}`);
  const order = n > RAW_LIMIT ? Prisma.sql`ORDER BY md5(id) LIMIT ${RAW_LIMIT}` : Prisma.empty;
  const rows = await withFeatures(
    await db.$queryRaw<(Omit<RawDriftEvent, "features"> & StoredFeatures)[]>(Prisma.sql`SELECT layout_id, feature_values, prediction FROM prediction_events WHERE ${where} ${order}`),
    (sql) => db.$queryRaw(sql),
  );
  return { rows, count: n };
}

/**
 * Drift of each window against the model's reference: per feature the requested methods and the default verdict
 * (BH across features), the prediction's drift, the share of drifted features and the dataset verdict. Series
 * windows are whole hours (feature rollups are hourly); a single window is exact to the millisecond. Raw-value
 * methods read each window's own events (up to RAW_LIMIT, a uniform sample beyond). `bins` adds each feature's
 * aligned reference and window counts (`FeatureDrift.bins`, e.g. for the drift page's histogram); `features` limits
 * the response (and the methods' work) to those features, the verdict and the counts still judged over all of them.
 */
export async function getDrift(
  modelId: string,
  q: ReadQuery,
  methods: DriftMethod[],
  options: { bins?: boolean; features?: string[] } = {},
): Promise<DriftResponse | null> {
  const model = await getDb().model.findUnique({
    where: { id: modelId },
    select: { id: true, driftSettings: true, features: { orderBy: [{ inferred: "asc" }, { position: "asc" }], select: { name: true, type: true, importance: true } } },
  });
  if (!model) return null;
  if (q.stepMs !== null && q.stepMs % HOUR !== 0) {
    throw unprocessable("Invalid query.", [{ path: "step", message: "drift windows are whole hours: use 1h or more (or window=single)" }]);
  }
  const unknown = options.features?.filter((name) => !model.features.some((f) => f.name === name)) ?? [];
  if (unknown.length) {
    throw unprocessable("Invalid query.", [{ path: "feature", message: `model '${modelId}' has no feature '${unknown[0]}'` }]);
  }
  const single = q.stepMs === null;
  const settings = driftSettings(model.driftSettings);
  const wantsRaw = needsRawValues(methods, settings);
  if (wantsRaw && !single && (q.to.getTime() - q.from.getTime()) / q.stepMs! > MAX_RAW_WINDOWS) {
    throw unprocessable("Invalid query.", [
      {
        path: methods.some((m) => RAW_METHODS.includes(m)) ? "methods" : "step",
        message: `ks, wasserstein and evidently (asked for, or named by the model's drift settings) read each window's raw events: at most ${MAX_RAW_WINDOWS} windows per request (use window=single, a larger step or a shorter range)`,
      },
    ]);
  }
  const read = async (holdsSlot: boolean) => {
    // ?version= reads against that version's own reference when it has one (issue #14), else the model's
    const ref = await currentReference(modelId, wantsRaw, q.version);
    if (!ref) {
      throw new ApiError(409, "no_reference", `Model '${modelId}' has no reference yet; upload one with PUT /api/v1/models/${modelId}/reference.`);
    }
    const heavy = wantsRaw || !ref.binsRollups;
    const windows = heavy && !holdsSlot
      ? await withHeavyReadSlot(() => driftWindows(modelId, q, methods, options, ref, settings, wantsRaw, true))
      : await driftWindows(modelId, q, methods, options, ref, settings, wantsRaw, heavy);
    return { ref, windows };
  };
  // A raw-value read takes its slot before it loads the reference samples: the reads waiting in the queue hold no
  // samples, and a burst of them does not parse every sample at once.
  const { ref, windows } = wantsRaw ? await withHeavyReadSlot(() => read(true)) : await read(false);

  return {
    model: model.id,
    reference: {
      id: String(ref.id),
      version: ref.version || null,
      rows: ref.profile.rows,
      createdAt: ref.createdAt.toISOString(),
      sampled: Object.values(ref.profile.features).some((f) => f.sampled) || Boolean(ref.profile.prediction?.sampled),
    },
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    step: single ? null : `${q.stepMs! / HOUR}h`,
    window: single ? "single" : "series",
    methods,
    features: model.features
      .filter((f) => !options.features?.length || options.features.includes(f.name))
      .map((f) => ({ name: f.name, type: f.type, importance: f.importance })),
    windows,
  };
}

type Reference = NonNullable<Awaited<ReturnType<typeof currentReference>>>;

/** Each window's drift (getDrift's work once the query is checked); `heavy` reads yield between windows. */
async function driftWindows(
  modelId: string,
  q: ReadQuery,
  methods: DriftMethod[],
  options: { bins?: boolean; features?: string[] },
  ref: Reference,
  settings: ReturnType<typeof driftSettings>,
  wantsRaw: boolean,
  heavy: boolean,
): Promise<DriftResponse["windows"]> {
  const single = q.stepMs === null;
  const byBucket = (row: { bucket: Date }) => bucketOf(q, row.bucket.getTime());
  const windowSpans = bucketStarts(q).map((start) => ({ start, end: single ? q.to.getTime() : start + q.stepMs! }));
  // The feature rollups are binned on the model's reference; a version's own reference has bins of its own, so its
  // windows are counted from the version's raw events on those bins.
  const featureDocs = !ref.binsRollups
    ? await featureDocsOnReference(modelId, q, ref, windowSpans)
    : single
      ? new Map<number, Doc>([[q.from.getTime(), await singleWindowFeatureDoc(modelId, q, ref.id)]])
      : mergeByKey(await fetchFeatureRollups(modelId, ref.id, q), byBucket);
  const metricDocs = mergeByKey(await fetchMetricRollups(modelId, q), byBucket);

  // the raw-value methods run on the drift threads, so the event loop stays free for other requests meanwhile
  const threads = wantsRaw ? driftThreadSession() : undefined;
  try {
    return await eachWindow(modelId, q, methods, options, ref, settings, featureDocs, metricDocs, heavy, threads);
  } finally {
    threads?.close();
  }
}

async function eachWindow(
  modelId: string,
  q: ReadQuery,
  methods: DriftMethod[],
  options: { bins?: boolean; features?: string[] },
  ref: Reference,
  settings: ReturnType<typeof driftSettings>,
  featureDocs: Map<number, Doc>,
  metricDocs: Map<number, Doc>,
  heavy: boolean,
  threads: DriftThreadSession | undefined,
): Promise<DriftResponse["windows"]> {
  const single = q.stepMs === null;
  const windows: DriftResponse["windows"] = [];
  for (const start of bucketStarts(q)) {
    if (heavy) await yieldToEventLoop();
    const end = single ? q.to.getTime() : start + q.stepMs!;
    // raw events are read one window at a time, so at most RAW_LIMIT of them are held at once
    const raw = threads ? await rawEvents(modelId, q, start, end) : undefined;
    const input = {
      profile: ref.profile,
      featureDoc: featureDocs.get(start) ?? {},
      metricDoc: metricDocs.get(start) ?? {},
      ...(raw ? { rawEvents: raw.rows } : {}),
      methods,
      settings,
      withBins: options.bins === true,
      ...(options.features?.length ? { only: options.features } : {}),
    };
    const drift = threads ? await windowDriftWith(input, (jobs) => threads.run(jobs)) : windowDrift(input);
    windows.push({
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      ...(raw ? { rawValues: { count: raw.count, sampled: raw.count > RAW_LIMIT } } : {}),
      ...drift,
    });
  }
  return windows;
}
