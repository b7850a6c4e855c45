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
import { latencyIndex, rowsOfWindow, rowsToFetch, sliCounts, type Interval, type SloRow } from "./windows";

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
  const where: Prisma.Sql[] = [];
  if (hours) {
    where.push(Prisma.sql`(r.level = 'h' AND r.version = ${ALL_VERSIONS} AND r.segment = ${ALL_SEGMENTS} AND r.bucket >= ${d(hours[0])} AND r.bucket < ${d(hours[1])})`);
  }
  for (const [a, b] of minutes) where.push(Prisma.sql`(r.level = 'm' AND r.bucket >= ${d(a)} AND r.bucket < ${d(b)})`);
  const modelFilter = modelIds.length === 1 ? Prisma.sql`r.model_id = ${modelIds[0]}` : Prisma.sql`r.model_id = ANY(${modelIds})`;
  const rows = await rawQuery<{ model_id: string; level: "m" | "h"; bucket: Date; n: number; err: number; lc: number; ln: number; ok?: number } & Record<string, number>>(Prisma.sql`
    SELECT r.model_id, r.level, r.bucket, ${Prisma.join(cols, ", ")}
    FROM rollups r CROSS JOIN LATERAL ${record}
    WHERE ${modelFilter} AND (${Prisma.join(where, " OR ")})
    GROUP BY r.model_id, r.level, r.bucket`);
  for (const r of rows) {
    out.get(r.model_id)?.push({
      level: r.level,
      bucket: new Date(r.bucket).getTime(),
      n: Number(r.n),
      err: Number(r.err),
      lc: Number(r.lc),
      latencyGood: Object.fromEntries(latencyIdx.map((i) => [i, Number(r[`lg${i}`])])),
      labelled: Number(r.ln),
      correct: Number(r.ok ?? 0),
    });
  }
  return out;
}

/** An SLO's burn-rate rows only (what the alert evaluator needs), without its error budget. */
export type SloBurn = { slo: Slo; objective: string; burnRates: BurnRateStatus[] };

/**
 * The burn-rate rows of several models' SLOs at `now`: the same read and arithmetic as evaluateSlosOfModels over
 * the burn-rate windows only (3 days at most), not the 7–30-day budget windows — the alert evaluator's cycle reads
 * a tenth of the hour rows that way.
 */
export async function evaluateBurnRatesOfModels(byModel: Map<string, Slo[]>, { now = new Date() }: { now?: Date } = {}): Promise<{ model: string; slos: SloBurn[] }[]> {
  const { rows, end, lengths } = await readWindows(byModel, now, false);
  return [...byModel].map(([modelId, slos]) => {
    const windowRows = windowsOf(rows.get(modelId) ?? [], end, lengths);
    return { model: modelId, slos: slos.map((slo) => ({ slo, objective: describeSlo(slo), burnRates: burnOf(slo, windowRows) })) };
  });
}

/** The rows of every window the SLOs need ending at the end of the minute in progress at `now` (with the budget windows or not). */
async function readWindows(byModel: Map<string, Slo[]>, now: Date, withBudget: boolean) {
  const end = ceilMs(now.getTime() + 1, MINUTE);
  const all = [...byModel.values()].flat();
  const lengths = [...new Set([...BURN_WINDOWS_MS, ...(withBudget ? all.map((s) => s.windowDays * DAY) : [])])];
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
  const { rows, end, lengths } = await readWindows(byModel, now, true);
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
