/**
 * The SLO read (server code without React: the alert evaluator, started by instrumentation.ts, runs it every cycle,
 * and lib/queries/getSlos.ts serves it to the API and pages): several models' SLOs evaluated at `now` from one
 * statement over the hour and minute rollup rows of every SLO window, with the few numbers each row holds for an
 * SLO extracted in SQL.
 */
import { Prisma, rawQuery } from "../../db/client";
import { ceilMs, DAY, MINUTE } from "../../domain/time";
import { ALL_SEGMENTS, ALL_VERSIONS } from "../../rollups/batch";
import { key, SEP } from "../../rollups/documents";
import { budgetStatus, BURN_WINDOWS_MS, burnRates, describeSlo, type BurnRateStatus, type Slo, type SliCounts, type SloStatus, type SlosResponse } from "./objectives";
import { latencyIndex, rowsOfWindow, rowsToFetch, sliCounts, splitWindow, type Interval, type SloRow } from "./windows";

const d = (ms: number) => new Date(ms);

/** A quoted SQL identifier (stored keys hold no NUL: lib/domain/text.ts). */
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Classes with a diagonal confusion key, from the models' all-time rows (level "t", one per version): every label
 * counts there too, so no window holds a class they lack.
 */
async function correctClasses(modelIds: string[]): Promise<string[]> {
  const rows = await rawQuery<{ c: string }>(Prisma.sql`
    SELECT DISTINCT split_part(e.key, ${SEP}, 2) AS c
    FROM rollups r, jsonb_each_text(r.data) e
    WHERE r.model_id = ANY(${modelIds}) AND r.level = 't' AND e.key LIKE ${"cm" + SEP + "%"}
      AND split_part(e.key, ${SEP}, 2) = split_part(e.key, ${SEP}, 3)`);
  return rows.map((r) => r.c).sort();
}

/**
 * The few numbers an SLO reads from each rollup row in `hours` (all-versions hour rows) and `minutes` (minute rows
 * summed over versions and segments), per model, extracted in SQL so only small tuples leave the database.
 */
async function fetchSloRows(
  modelIds: string[],
  hours: Interval | null,
  minutes: Interval[],
  latencyIdx: number[],
  accuracy: boolean,
): Promise<Map<string, SloRow[]>> {
  const out = new Map<string, SloRow[]>(modelIds.map((m) => [m, []]));
  if (modelIds.length === 0 || (!hours && minutes.length === 0)) return out;
  const { cols, record } = await sloColumns(modelIds, latencyIdx, accuracy);
  const rows = await rawQuery<TupleRow & { level: "m" | "h"; bucket: Date }>(Prisma.sql`
    SELECT r.model_id, r.level, r.bucket, ${Prisma.join(cols, ", ")}
    FROM rollups r CROSS JOIN LATERAL ${record}
    WHERE ${rowFilter(modelIds, hours, minutes)}
    GROUP BY r.model_id, r.level, r.bucket`);
  for (const r of rows) out.get(r.model_id)?.push(toSloRow(r, r.level, new Date(r.bucket).getTime(), latencyIdx));
  return out;
}

type TupleRow = { model_id: string; n: number; err: number; lc: number; ln: number; ok?: number } & Record<string, unknown>;

const toSloRow = (r: TupleRow, level: "m" | "h", bucket: number, latencyIdx: number[]): SloRow => ({
  level,
  bucket,
  n: Number(r.n),
  err: Number(r.err),
  lc: Number(r.lc),
  latencyGood: Object.fromEntries(latencyIdx.map((i) => [i, Number(r[`lg${i}`])])),
  labelled: Number(r.ln),
  correct: Number(r.ok ?? 0),
});

/** The models' rows in `hours` (all-versions hour rows) and `minutes` (minute rows of every version and segment). */
function rowFilter(modelIds: string[], hours: Interval | null, minutes: Interval[]) {
  const where: Prisma.Sql[] = [];
  if (hours) {
    where.push(Prisma.sql`(r.level = 'h' AND r.version = ${ALL_VERSIONS} AND r.segment = ${ALL_SEGMENTS} AND r.bucket >= ${d(hours[0])} AND r.bucket < ${d(hours[1])})`);
  }
  for (const [a, b] of minutes) where.push(Prisma.sql`(r.level = 'm' AND r.bucket >= ${d(a)} AND r.bucket < ${d(b)})`);
  const modelFilter = modelIds.length === 1 ? Prisma.sql`r.model_id = ${modelIds[0]}` : Prisma.sql`r.model_id = ANY(${modelIds})`;
  return Prisma.sql`${modelFilter} AND (${Prisma.join(where, " OR ")})`;
}

/**
 * Each window's sums per model, added up in the database (one tuple per model and window instead of one per hour
 * and minute row): the burn-rate rows' windows for the alert evaluator. A row counts in a window exactly as
 * rowsOfWindow counts it (the window's whole hours as hour rows, the rest as minute rows).
 */
async function fetchWindowSums(modelIds: string[], end: number, lengths: number[], latencyIdx: number[], accuracy: boolean): Promise<Map<string, Map<number, SloRow>>> {
  const out = new Map<string, Map<number, SloRow>>(modelIds.map((m) => [m, new Map()]));
  if (modelIds.length === 0 || lengths.length === 0) return out;
  const { hours, minutes } = rowsToFetch(end, lengths);
  const { cols, record } = await sloColumns(modelIds, latencyIdx, accuracy);
  const t = (ms: number | undefined) => (ms === undefined ? null : d(ms));
  const windows = lengths.map((len, i) => {
    const w = splitWindow(end - len, end);
    return Prisma.sql`(${i}::int, ${t(w.hours?.[0])}::timestamptz, ${t(w.hours?.[1])}::timestamptz, ${t(w.minutes[0]?.[0])}::timestamptz, ${t(w.minutes[0]?.[1])}::timestamptz, ${t(w.minutes[1]?.[0])}::timestamptz, ${t(w.minutes[1]?.[1])}::timestamptz)`;
  });
  const rows = await rawQuery<TupleRow & { w: number }>(Prisma.sql`
    SELECT r.model_id, w.i AS w, ${Prisma.join(cols, ", ")}
    FROM rollups r CROSS JOIN LATERAL ${record}
    JOIN (VALUES ${Prisma.join(windows, ", ")}) AS w(i, hf, ht, m1f, m1t, m2f, m2t)
      ON (r.level = 'h' AND r.bucket >= w.hf AND r.bucket < w.ht)
      OR (r.level = 'm' AND ((r.bucket >= w.m1f AND r.bucket < w.m1t) OR (r.bucket >= w.m2f AND r.bucket < w.m2t)))
    WHERE ${rowFilter(modelIds, hours, minutes)}
    GROUP BY r.model_id, w.i`);
  for (const r of rows) out.get(r.model_id)?.set(lengths[r.w], toSloRow(r, "m", end, latencyIdx));
  return out;
}

/** The summed columns an SLO reads (n, err, lc, ln, lg<i>, ok) and the jsonb_to_record that extracts them. */
async function sloColumns(modelIds: string[], latencyIdx: number[], accuracy: boolean) {
  // A document is read once per row by jsonb_to_record into typed columns: each `data ->> key` would decompress
  // the whole document again (20 lookups cost 61 ms over 720 hour rows at 10M events, jsonb_to_record 8 ms). A key
  // longer than an identifier (63 bytes; a long class name) would be truncated there, so it is looked up by ->>.
  const fields = new Set<string>();
  const num = (k: string) => {
    if (Buffer.byteLength(k) > 63) return Prisma.sql`coalesce((r.data ->> ${k})::float8, 0)`;
    fields.add(k);
    return Prisma.raw(`coalesce(x.${quoteIdent(k)}, 0)`);
  };
  const cols: Prisma.Sql[] = [
    Prisma.sql`sum(r.n)::float8 AS n`,
    Prisma.sql`sum(${num("err")}) AS err`,
    Prisma.sql`sum(${num("lc")}) AS lc`,
    Prisma.sql`sum(${num("ln")}) AS ln`,
  ];
  // requests at most bound i: the non-cumulative latency buckets 0 … i added up
  for (const i of latencyIdx) {
    const terms = Array.from({ length: i + 1 }, (_, b) => num(key("lb", b)));
    cols.push(Prisma.sql`sum(${Prisma.join(terms, " + ")}) AS ${Prisma.raw(`lg${i}`)}`);
  }
  // correct predictions: the confusion counts cm·<c>·<c> on the diagonal, for every class ever predicted correctly
  if (accuracy) {
    const classes = await correctClasses(modelIds);
    cols.push(classes.length ? Prisma.sql`sum(${Prisma.join(classes.map((c) => num(key("cm", c, c))), " + ")}) AS ok` : Prisma.sql`0::float8 AS ok`);
  }
  const record = Prisma.raw(`jsonb_to_record(r.data) AS x(${[...fields].map((f) => `${quoteIdent(f)} float8`).join(", ")})`);
  return { cols, record };
}

/** An SLO's burn-rate rows only (what the alert evaluator needs), without its error budget. */
export type SloBurn = { slo: Slo; objective: string; burnRates: BurnRateStatus[] };

/**
 * The burn-rate rows of several models' SLOs at `now`: the same read and arithmetic as evaluateSlosOfModels over
 * the burn-rate windows only (3 days at most), not the 7–30-day budget windows — the alert evaluator's cycle reads
 * a tenth of the hour rows that way.
 */
export async function evaluateBurnRatesOfModels(byModel: Map<string, Slo[]>, { now = new Date() }: { now?: Date } = {}): Promise<{ model: string; slos: SloBurn[] }[]> {
  const end = ceilMs(now.getTime() + 1, MINUTE);
  const all = [...byModel.values()].flat();
  const latencyIdx = [...new Set(all.filter((s) => s.kind === "latency").map((s) => latencyIndex(s.thresholdMs ?? NaN)))].filter((i) => i >= 0);
  const withSlos = [...byModel].filter(([, slos]) => slos.length > 0).map(([m]) => m);
  const lengths = [...BURN_WINDOWS_MS];
  const sums = await fetchWindowSums(withSlos, end, lengths, latencyIdx, all.some((s) => s.kind === "accuracy"));
  return [...byModel].map(([modelId, slos]) => {
    const mine = sums.get(modelId);
    // a window without rows sums to nothing
    const windowRows = new Map(lengths.map((len) => [len, mine?.has(len) ? [mine.get(len)!] : []]));
    return { model: modelId, slos: slos.map((slo) => ({ slo, objective: describeSlo(slo), burnRates: burnOf(slo, windowRows) })) };
  });
}

/**
 * What the burn-rate rows of these SLOs read at `now`: the models with SLOs, the window end and lengths, the rollup
 * rows to cover (all-versions hours and minute ranges) and the latency thresholds' histogram indices.
 */
export function burnRatePlan(byModel: Map<string, Slo[]>, now: Date) {
  const end = ceilMs(now.getTime() + 1, MINUTE);
  const all = [...byModel.values()].flat();
  const lengths = [...BURN_WINDOWS_MS];
  const latencyIdx = [...new Set(all.filter((s) => s.kind === "latency").map((s) => latencyIndex(s.thresholdMs ?? NaN)))].filter((i) => i >= 0);
  const models = [...byModel].filter(([, slos]) => slos.length > 0).map(([m]) => m);
  return { end, lengths, models, latencyIdx, ranges: all.length ? rowsToFetch(end, lengths) : { hours: null, minutes: [] } };
}

/**
 * The burn-rate rows of several models' SLOs from their rows (one per hour or minute row of the burn-rate windows,
 * as burnRatePlan covers them): the same arithmetic as evaluateBurnRatesOfModels, which sums the windows in SQL;
 * every count is a whole number, so both give the same burn rates (the alert evaluator's row cache uses this).
 */
export function burnRatesFromRows(byModel: Map<string, Slo[]>, now: Date, rows: Map<string, SloRow[]>): { model: string; slos: SloBurn[] }[] {
  const { end, lengths } = burnRatePlan(byModel, now);
  return [...byModel].map(([modelId, slos]) => {
    const windowRows = windowsOf(rows.get(modelId) ?? [], end, lengths);
    return { model: modelId, slos: slos.map((slo) => ({ slo, objective: describeSlo(slo), burnRates: burnOf(slo, windowRows) })) };
  });
}

/** The rows of every window the SLOs need (burn-rate and budget windows) ending at the end of the minute in progress at `now`. */
async function readWindows(byModel: Map<string, Slo[]>, now: Date) {
  const end = ceilMs(now.getTime() + 1, MINUTE);
  const all = [...byModel.values()].flat();
  const lengths = [...new Set([...BURN_WINDOWS_MS, ...all.map((s) => s.windowDays * DAY)])];
  const { hours, minutes } = all.length ? rowsToFetch(end, lengths) : { hours: null, minutes: [] };
  const latencyIdx = [...new Set(all.filter((s) => s.kind === "latency").map((s) => latencyIndex(s.thresholdMs ?? NaN)))].filter((i) => i >= 0);
  const withSlos = [...byModel].filter(([, slos]) => slos.length > 0).map(([m]) => m);
  const rows = await fetchSloRows(withSlos, hours, minutes, latencyIdx, all.some((s) => s.kind === "accuracy"));
  return { rows, end, lengths };
}

const windowsOf = (rows: SloRow[], end: number, lengths: number[]) => new Map(lengths.map((len) => [len, rowsOfWindow(rows, end - len, end)]));

const burnOf = (slo: Slo, windowRows: Map<number, SloRow[]>) =>
  burnRates(slo.target, new Map<number, SliCounts>(BURN_WINDOWS_MS.map((len) => [len, sliCounts(slo, windowRows.get(len)!)])));

/** Several models' SLOs evaluated at `now` from one rollup statement, in the map's order. */
export async function evaluateSlosOfModels(byModel: Map<string, Slo[]>, { now = new Date() }: { now?: Date } = {}): Promise<SlosResponse[]> {
  const { rows, end, lengths } = await readWindows(byModel, now);
  return [...byModel].map(([modelId, slos]) => {
    const windowRows = windowsOf(rows.get(modelId) ?? [], end, lengths);
    return {
      model: modelId,
      evaluatedAt: now.toISOString(),
      windowEnd: d(end).toISOString(),
      slos: slos.map((slo): SloStatus => {
        const span = slo.windowDays * DAY;
        const burn = burnOf(slo, windowRows);
        return {
          ...slo,
          objective: describeSlo(slo),
          window: { from: d(end - span).toISOString(), to: d(end).toISOString() },
          errorBudget: budgetStatus(slo.target, sliCounts(slo, windowRows.get(span)!)),
          burnRates: burn,
          firing: [...new Set(burn.filter((b) => b.firing).map((b) => b.severity))],
        };
      }),
    };
  });
}
