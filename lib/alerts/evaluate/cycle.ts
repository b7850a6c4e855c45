import crypto from "node:crypto";
import os from "node:os";
import { getDb, Prisma, rawQuery, rawTransaction } from "../../db/client";
import { config } from "../../config";
import { HOUR } from "../../domain/time";
import { notify, type NotifyAlert, type NotifyResult } from "../notify";
import { formatDuration } from "../rules/validation";
import type { ReferenceProfile } from "../../models/references/profile";
import type { Slo } from "../slo/objectives";
import { loadAllSlos } from "../slo/store";
import { rowsToFetch } from "../slo/windows";
import { burnRatePlan, burnRatesFromRows, evaluateBurnRatesOfModels, type SloBurn } from "../slo/read";
import { fetchFeatureRows, fetchMetricRows, loadModels, loadProfiles, type EvalModel } from "./fetch";
import { cachedFeatureRows, cachedMetricRows } from "./rowCache";
import { burnWindowOf, removedSloAnnotations, SLO_ALERTNAME, sloAlertLabels, sloAlertValue, sloAnnotations } from "./sloAlerts";
import { advance, INACTIVE, step, type AlertState, type AlertStatus, type RuleCondition } from "./state";
import { measure, ruleValue, type Measured } from "./values";
import type { Doc } from "../../rollups/documents";
import { featureSpan, featureWindowDoc, metricWindowDoc, windowEnd, type FeatureRow, type HourFold, type MetricRow } from "./windows";

/** Metrics read from the feature rollups (hourly). */
export const FEATURE_METRICS = new Set(["drift_share", "missing_rate"]);
/** Metrics measured against the model's reference profile. */
export const PROFILE_METRICS = new Set(["drift_share", "class_share_shift"]);
/** How long a claimed cycle may run before another process may take over (a crashed evaluator's lease expires). */
const LEASE_SECONDS = 60;

/** This process's name on the lease. */
const HOLDER = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;

type RuleRow = {
  id: string;
  name: string;
  modelId: string | null;
  metric: string;
  comparison: string;
  threshold: number;
  windowSeconds: number;
  forSeconds: number;
  minSamples: number;
  severity: string;
  labels: Prisma.JsonValue;
};

/** A state change in a cycle: of a rule's alert (`rule`), or of an SLO burn-rate row's (`slo` and `window`, rule null). */
export type Transition = {
  rule: string | null;
  slo?: string;
  window?: string;
  alertname: string;
  model: string;
  from: AlertState;
  to: AlertState;
  value: number | null;
};

export type CycleResult = {
  /** false when another evaluator holds the lease or this cycle was already evaluated */
  ran: boolean;
  /** why not: another process holds the lease ("busy"), or this cycle was the last one evaluated ("done") */
  skipped?: "busy" | "done";
  at: string;
  /** rule × model pairs evaluated */
  evaluated: number;
  /** SLO burn-rate rows evaluated (3 per SLO) */
  burnRows: number;
  firing: number;
  transitions: Transition[];
  notified: { queued: number; delivered: number; silenced: number } | null;
  ms: number;
};

/**
 * Claims cycle `at` for this process: succeeds when no other process holds the lease and the cycle was not the
 * last one claimed. One UPDATE of one row, so of two processes trying the same cycle exactly one wins.
 */
async function claim(at: Date): Promise<"claimed" | "busy" | "done"> {
  const rows = await rawQuery<{ id: number }>(Prisma.sql`
    UPDATE alert_evaluator SET last_cycle = ${at}, holder = ${HOLDER}, lease_until = clock_timestamp() + make_interval(secs => ${LEASE_SECONDS})
    WHERE id = 1 AND last_cycle IS DISTINCT FROM ${at} AND (lease_until IS NULL OR lease_until < clock_timestamp())
    RETURNING id`);
  if (rows.length) return "claimed";
  const [row] = await rawQuery<{ last_cycle: Date | null }>(Prisma.sql`SELECT last_cycle FROM alert_evaluator WHERE id = 1`);
  if (!row) {
    // the lease row is created by the migration; recreate it if someone removed it
    await rawQuery(Prisma.sql`INSERT INTO alert_evaluator (id) VALUES (1) ON CONFLICT DO NOTHING`);
    return claim(at);
  }
  return row.last_cycle && new Date(row.last_cycle).getTime() === at.getTime() ? "done" : "busy";
}

async function release() {
  await rawQuery(Prisma.sql`UPDATE alert_evaluator SET holder = NULL, lease_until = NULL WHERE id = 1 AND holder = ${HOLDER}`);
}

/** Alertmanager's fingerprint of an alert: a hash of its rule and labels. */
export function fingerprintOf(ruleId: string, labels: Record<string, string>): string {
  const sorted = Object.keys(labels).sort().map((k) => [k, labels[k]]);
  return crypto.createHash("sha256").update(JSON.stringify([ruleId, sorted])).digest("hex").slice(0, 16);
}

export function alertLabels(rule: { name: string; severity: string; labels: unknown }, model: string): Record<string, string> {
  return { ...(rule.labels as Record<string, string>), alertname: rule.name, model_name: model, severity: rule.severity };
}

const fmt = (v: number | null) => (v === null ? "no data" : Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+$/, ""));

export function describeRule(rule: { metric: string; comparison: string; threshold: number; windowSeconds: number }): string {
  const cmp = rule.comparison === "increase_pct" ? "rises by more than" : rule.comparison === "decrease_pct" ? "drops by more than" : rule.comparison;
  const unit = rule.comparison.endsWith("_pct") ? "% against the previous window" : "";
  return `${rule.metric} over ${formatDuration(rule.windowSeconds)} ${cmp} ${rule.threshold}${unit}`;
}

/** Hour rows' folds kept between cycles (the cached reads only), dropped when a cycle no longer uses them. */
const gf = globalThis as typeof globalThis & { __driftwatchAlertHourFolds?: Map<string, { parts: Doc[]; doc: Doc }> };
const hourFolds: Map<string, { parts: Doc[]; doc: Doc }> = (gf.__driftwatchAlertHourFolds ??= new Map());

/** Window documents per model and window start, built once per cycle (several rules share a window). */
class WindowCache {
  private metrics = new Map<string, ReturnType<typeof metricWindowDoc>>();
  private features = new Map<string, ReturnType<typeof featureWindowDoc>>();
  private folds = new Set<string>();
  constructor(
    private metricRows: Map<string, MetricRow[]>,
    private featureRows: Map<string, FeatureRow[]>,
    private keepFolds = false,
  ) {}
  private memo: HourFold = (key, rows, fold) => {
    this.folds.add(key);
    const hit = hourFolds.get(key);
    if (hit && hit.parts.length === rows.length && hit.parts.every((p, i) => p === rows[i].data)) return hit.doc;
    const doc = fold();
    hourFolds.set(key, { parts: rows.map((r) => r.data), doc });
    return doc;
  };
  /** Drops the kept folds this cycle did not use (after the cycle's values are computed). */
  prune() {
    if (!this.keepFolds) return;
    for (const k of hourFolds.keys()) if (!this.folds.has(k)) hourFolds.delete(k);
  }
  docs(model: string, start: number, end: number, withFeatures: boolean) {
    const k = `${model}\u0000${start}\u0000${end}`;
    let m = this.metrics.get(k);
    if (!m) this.metrics.set(k, (m = metricWindowDoc(this.metricRows.get(model) ?? [], start, end, this.keepFolds ? { model, memo: this.memo } : undefined)));
    let f = null;
    if (withFeatures) {
      f = this.features.get(k);
      if (!f) this.features.set(k, (f = featureWindowDoc(this.featureRows.get(model) ?? [], start, end)));
    }
    return { metrics: m, features: f };
  }
}

type AlertRow = {
  id: string;
  rule_id: string | null;
  slo: string | null;
  burn_window: string | null;
  labels: Record<string, string>;
  model_id: string;
  state: AlertState;
  active_at: Date | null;
  fired_at: Date | null;
  resolved_at: Date | null;
  last_evaluated_at: Date;
};

const ms = (d: Date | null) => (d === null ? null : new Date(d).getTime());

/**
 * One evaluation cycle at `now`: every enabled rule for every model in its scope, each alert advanced by the
 * state machine, changes and transitions stored in one transaction, then the firing and just-resolved alerts
 * handed to notify() (which groups, silences and decides what to send). Exactly one process evaluates a given
 * cycle: the lease row is claimed first; a process that loses answers `ran: false`. `wait` retries while another
 * process holds the lease (up to that many ms), for an on-demand cycle. `cached: false` reads every row again
 * instead of through the row cache (bench/alerts --plain: the same cycle without it).
 */
export async function evaluateOnce(now = new Date(), { wait = 0, cached = true }: { wait?: number; cached?: boolean } = {}): Promise<CycleResult> {
  const started = performance.now();
  const at = now.toISOString();
  const skipped = (why: "busy" | "done"): CycleResult => ({ ran: false, skipped: why, at, evaluated: 0, burnRows: 0, firing: 0, transitions: [], notified: null, ms: performance.now() - started });
  for (;;) {
    const c = await claim(now);
    if (c === "claimed") break;
    if (c === "done" || performance.now() - started >= wait) return skipped(c);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await runCycle(now, started, cached);
  } finally {
    await release();
  }
}

type Scope = (r: RuleRow) => EvalModel[];

/** The enabled rules, every model's SLOs and the models the rules cover. */
async function loadCycleSubjects() {
  const [rules, slos]: [RuleRow[], Awaited<ReturnType<typeof loadAllSlos>>] = await Promise.all([
    getDb().alertRule.findMany({ where: { enabled: true }, orderBy: { id: "asc" } }),
    loadAllSlos(),
  ]);
  const global = rules.some((r) => r.modelId === null);
  const models = await loadModels(global ? null : [...new Set(rules.map((r) => r.modelId!))]);
  const byId = new Map(models.map((m) => [m.id, m]));
  const scope: Scope = (r) => (r.modelId === null ? models : byId.has(r.modelId) ? [byId.get(r.modelId)!] : []);
  return { rules, slos, models, scope };
}

/**
 * What a cycle reads: the rules' window documents, the references' profiles and the SLOs' burn-rate rows at `now`.
 * `cached` (the evaluator's way): rollup rows through rowCache.ts, fetched only when new or changed since the last
 * cycle; otherwise every row is read again (fetchMetricRows, fetchFeatureRows, and the SLO sums in SQL) — the
 * plain reads the cached ones are checked against. Either way a value is the same number.
 */
async function readCycle(now: Date, rules: RuleRow[], slos: Map<string, Slo[]>, models: EvalModel[], scope: Scope, cached: boolean) {
  const end = windowEnd(now.getTime());
  const lengthOf = (r: RuleRow) => r.windowSeconds * 1000 * (r.comparison.endsWith("_pct") ? 2 : 1);
  const metricModels = new Set<string>();
  const featureModels = new Set<string>();
  const profileModels = new Set<string>();
  let featureFrom = end;
  for (const r of rules) {
    for (const m of scope(r)) {
      (FEATURE_METRICS.has(r.metric) ? featureModels : metricModels).add(m.id);
      if (PROFILE_METRICS.has(r.metric)) profileModels.add(m.id);
    }
    if (FEATURE_METRICS.has(r.metric)) featureFrom = Math.min(featureFrom, featureSpan(end - lengthOf(r), end)[0]);
  }
  // drift needs the window's metric document too (a classifier's predicted classes)
  for (const m of featureModels) metricModels.add(m);
  const ranges = rowsToFetch(end, [...new Set(rules.map(lengthOf))]);
  const featureList = models.filter((m) => featureModels.has(m.id));
  const featureSince = Math.min(featureFrom, end - HOUR);
  const profileList = models.filter((m) => profileModels.has(m.id));
  const profilesOf = profileList.length > 0 ? loadProfiles(profileList) : Promise.resolve(new Map<string, ReferenceProfile>());
  if (cached) {
    // SLOs: every model's burn-rate rows from the same cached rows (their few numbers), with the SLO API's arithmetic
    const plan = burnRatePlan(slos, now);
    const [rows, featureRows, profiles] = await Promise.all([
      cachedMetricRows({ models: [...metricModels], ranges }, { models: plan.models, ranges: plan.ranges, latencyIdx: plan.latencyIdx }),
      cachedFeatureRows(featureList, featureSince, end),
      profilesOf,
    ]);
    return { end, windows: new WindowCache(rows.rules, featureRows, true), profiles, sloStatus: burnRatesFromRows(slos, now, rows.slo) };
  }
  // SLOs: by the SLO API's own read and arithmetic (one statement of window sums extracted in SQL), beside the rules' reads
  const [metricRows, featureRows, profiles, sloStatus] = await Promise.all([
    fetchMetricRows([...metricModels], ranges.hours, ranges.minutes),
    fetchFeatureRows(featureList, featureSince, end),
    profilesOf,
    slos.size > 0 ? evaluateBurnRatesOfModels(slos, { now }) : Promise.resolve([] as { model: string; slos: SloBurn[] }[]),
  ]);
  return { end, windows: new WindowCache(metricRows, featureRows), profiles, sloStatus };
}

type CycleRead = Awaited<ReturnType<typeof readCycle>>;

/** A rule's value on a model in a cycle's reads (relative comparisons: against the window before). */
function ruleMeasurement(rule: RuleRow, model: EvalModel, read: CycleRead): { value: number | null; samples: number } {
  const { end, windows, profiles } = read;
  const len = rule.windowSeconds * 1000;
  const withFeatures = FEATURE_METRICS.has(rule.metric);
  const profile = profiles.get(model.id) ?? null;
  const current: Measured = measure(rule.metric, windows.docs(model.id, end - len, end, withFeatures), model, profile);
  const previous = rule.comparison.endsWith("_pct") ? measure(rule.metric, windows.docs(model.id, end - 2 * len, end - len, withFeatures), model, profile) : null;
  return ruleValue(rule, current, previous);
}

/**
 * Every rule × model value and SLO burn-rate row at `now`, without touching the alerts (tests: the cached reads
 * against the plain ones). Keys: "<rule id> <model>" and "<model> <slo> <windows>".
 */
export async function evaluationValues(now: Date, { cached }: { cached: boolean }) {
  const { rules, slos, models, scope } = await loadCycleSubjects();
  const read = await readCycle(now, rules, slos, models, scope, cached);
  const values: Record<string, { value: number | null; samples: number; firing?: boolean }> = {};
  for (const rule of rules) for (const model of scope(rule)) values[`${rule.id} ${model.id}`] = ruleMeasurement(rule, model, read);
  read.windows.prune();
  for (const m of read.sloStatus) {
    for (const slo of m.slos) for (const burn of slo.burnRates) values[`${m.model} ${slo.slo.name} ${burnWindowOf(burn)}`] = { ...sloAlertValue(burn), firing: burn.firing };
  }
  return values;
}

async function runCycle(now: Date, started: number, cached: boolean): Promise<CycleResult> {
  const t = now.getTime();
  const { rules, slos, models, scope } = await loadCycleSubjects();
  const read = await readCycle(now, rules, slos, models, scope, cached);
  const { sloStatus } = read;

  const existing = await rawQuery<AlertRow>(Prisma.sql`
    SELECT id::text AS id, rule_id, slo, burn_window, labels, model_id, state, active_at, fired_at, resolved_at, last_evaluated_at
    FROM alerts WHERE rule_id = ANY(${rules.map((r) => r.id)}) OR rule_id IS NULL`);
  const keyOf = (a: { rule_id: string | null; slo: string | null; burn_window: string | null; model_id: string }) =>
    a.rule_id !== null ? `r\u0000${a.rule_id}\u0000${a.model_id}` : `s\u0000${a.model_id}\u0000${a.slo}\u0000${a.burn_window}`;
  const known = new Map(existing.map((a) => [keyOf(a), a]));

  const upserts: Upsert[] = [];
  const toNotify: NotifyAlert[] = [];
  const transitions: Transition[] = [];
  let evaluated = 0;
  let burnRows = 0;
  let firing = 0;
  const base = (config().publicUrl ?? "").replace(/\/$/, "");
  // a cycle older than an alert's last evaluation (a late process, a replayed request) does not move it back
  const stale = (row: AlertRow | undefined) => row !== undefined && new Date(row.last_evaluated_at).getTime() > t;
  const statusOf = (row: AlertRow | undefined): AlertStatus =>
    row ? { state: row.state, activeAt: ms(row.active_at), firedAt: ms(row.fired_at), resolvedAt: ms(row.resolved_at) } : INACTIVE;

  /** Records an evaluated alert: its row (if it has left inactive once), its transition and its notification. */
  function record(
    source: Pick<Upsert, "rule_id" | "slo" | "burn_window" | "model_id">,
    alertname: string,
    prev: AlertStatus,
    next: AlertStatus,
    found: { value: number | null; samples: number; labels: Record<string, string>; fingerprint: string },
    annotations: () => Record<string, string>,
    generatorURL: string,
  ) {
    const changed = next.state !== prev.state;
    upserts.push({ ...source, state: next.state, fingerprint: found.fingerprint, labels: found.labels, value: found.value, samples: found.samples, active_at: next.activeAt, fired_at: next.firedAt, resolved_at: next.resolvedAt, from: changed ? prev.state : null });
    if (changed) {
      transitions.push({ rule: source.rule_id, ...(source.slo !== null ? { slo: source.slo, window: source.burn_window! } : {}), alertname, model: source.model_id, from: prev.state, to: next.state, value: found.value });
    }
    const resolvedNow = changed && next.state === "resolved";
    if (next.state === "firing") firing++;
    if (next.state === "firing" || resolvedNow) {
      toNotify.push({
        labels: found.labels,
        annotations: annotations(),
        status: next.state === "firing" ? "firing" : "resolved",
        startsAt: new Date(next.firedAt!),
        endsAt: resolvedNow ? new Date(next.resolvedAt!) : null,
        generatorURL,
        fingerprint: found.fingerprint,
      });
    }
  }

  for (const rule of rules) {
    const cond: RuleCondition = rule;
    for (const model of scope(rule)) {
      const row = known.get(keyOf({ rule_id: rule.id, slo: null, burn_window: null, model_id: model.id }));
      if (stale(row)) continue;
      evaluated++;
      const { value, samples } = ruleMeasurement(rule, model, read);
      const prev = statusOf(row);
      const next = advance(cond, prev, value, t);
      if (!row && next.state === "inactive") continue; // nothing has happened: no row
      const labels = alertLabels(rule, model.id);
      record(
        { rule_id: rule.id, slo: null, burn_window: null, model_id: model.id },
        rule.name,
        prev,
        next,
        { value, samples, labels, fingerprint: fingerprintOf(rule.id, labels) },
        () => ({
          summary: `${rule.name} on ${model.id}: ${rule.metric} is ${fmt(value)}`,
          description: `Fires when ${describeRule(rule)}${rule.minSamples > 0 ? ` (at least ${rule.minSamples} samples)` : ""}${rule.forSeconds > 0 ? ` for ${formatDuration(rule.forSeconds)}` : ""}.`,
        }),
        `${base}/models/${encodeURIComponent(model.id)}`,
      );
    }
  }

  read.windows.prune();

  // SLO burn-rate rows: firing exactly when the SLO API says the row fires (no `for`, no hysteresis)
  const seen = new Set<string>();
  for (const m of sloStatus) {
    for (const slo of m.slos) {
      for (const burn of slo.burnRates) {
        const source = { rule_id: null, slo: slo.slo.name, burn_window: burnWindowOf(burn), model_id: m.model };
        const key = keyOf(source);
        seen.add(key);
        const row = known.get(key);
        if (stale(row)) continue;
        burnRows++;
        const prev = statusOf(row);
        const next = step(prev, { holds: burn.firing, stillFiring: burn.firing, forSeconds: 0 }, t);
        if (!row && next.state === "inactive") continue;
        const labels = sloAlertLabels(m.model, slo.slo.name, burn);
        record(source, SLO_ALERTNAME, prev, next, { ...sloAlertValue(burn), labels, fingerprint: fingerprintOf(`slo:${slo.slo.name}`, labels) }, () => sloAnnotations(m.model, slo, burn), `${base}/models/${encodeURIComponent(m.model)}/slos`);
      }
    }
  }
  // an SLO removed (or its model's SLOs replaced without it): its active alerts resolve, their history is kept
  for (const row of existing) {
    if (row.rule_id !== null || seen.has(keyOf(row)) || (row.state !== "firing" && row.state !== "pending") || stale(row)) continue;
    const prev = statusOf(row);
    const next = step(prev, { holds: false, stillFiring: false, forSeconds: 0 }, t);
    record({ rule_id: null, slo: row.slo, burn_window: row.burn_window, model_id: row.model_id }, SLO_ALERTNAME, prev, next, { value: null, samples: 0, labels: row.labels, fingerprint: fingerprintOf(`slo:${row.slo}`, row.labels) }, () => removedSloAnnotations(row.model_id, row.slo!), `${base}/models/${encodeURIComponent(row.model_id)}/slos`);
  }

  if (upserts.length > 0) await store(upserts, now);

  let notified: CycleResult["notified"] = null;
  if (toNotify.length > 0) {
    try {
      const r: NotifyResult = await notify(toNotify, { now });
      notified = { queued: r.queued, delivered: r.delivered, silenced: Object.keys(r.silenced).length };
    } catch (err) {
      // the states are stored; firing alerts are handed over again next cycle
      console.error("[driftwatch] alert notification failed:", err);
    }
  }
  return { ran: true, at: now.toISOString(), evaluated, burnRows, firing, transitions, notified, ms: performance.now() - started };
}

type Upsert = {
  rule_id: string | null;
  slo: string | null;
  burn_window: string | null;
  model_id: string;
  state: AlertState;
  fingerprint: string;
  labels: Record<string, string>;
  value: number | null;
  samples: number;
  active_at: number | null;
  fired_at: number | null;
  resolved_at: number | null;
  /** the previous state when it changed (a transition to store) */
  from: AlertState | null;
};

/**
 * Writes the cycle's alerts and their transitions in one transaction: rule alerts keyed by (rule, model), SLO
 * alerts by (model, SLO, windows); rules or models deleted meanwhile are skipped.
 */
async function store(upserts: Upsert[], now: Date) {
  const columns = Prisma.sql`x(rule_id text, slo text, burn_window text, model_id text, state text, fingerprint text, labels jsonb,
           value float8, samples float8, active_at float8, fired_at float8, resolved_at float8)`;
  const insert = (json: string, conflict: Prisma.Sql, exists: Prisma.Sql) => Prisma.sql`
      INSERT INTO alerts (rule_id, slo, burn_window, model_id, state, fingerprint, labels, value, samples, active_at, fired_at, resolved_at, last_evaluated_at)
      SELECT x.rule_id, x.slo, x.burn_window, x.model_id, x.state, x.fingerprint, x.labels, x.value, x.samples,
             to_timestamp(x.active_at / 1000.0), to_timestamp(x.fired_at / 1000.0), to_timestamp(x.resolved_at / 1000.0), ${now}
      FROM jsonb_to_recordset(${json}::text::jsonb) AS ${columns}
      WHERE ${exists} AND EXISTS (SELECT 1 FROM models m WHERE m.id = x.model_id)
      ON CONFLICT ${conflict} DO UPDATE SET
        state = excluded.state, fingerprint = excluded.fingerprint, labels = excluded.labels, value = excluded.value,
        samples = excluded.samples, active_at = excluded.active_at, fired_at = excluded.fired_at,
        resolved_at = excluded.resolved_at, last_evaluated_at = excluded.last_evaluated_at
      RETURNING id::text AS id, rule_id, slo, burn_window, model_id`;
  const ruleAlerts = upserts.filter((u) => u.rule_id !== null);
  const sloAlerts = upserts.filter((u) => u.rule_id === null);
  const keyOf = (u: { rule_id: string | null; slo: string | null; burn_window: string | null; model_id: string }) =>
    `${u.rule_id}\u0000${u.slo}\u0000${u.burn_window}\u0000${u.model_id}`;
  await rawTransaction(async (tx) => {
    type Returned = { id: string; rule_id: string | null; slo: string | null; burn_window: string | null; model_id: string };
    const rows: Returned[] = [];
    if (ruleAlerts.length > 0) {
      rows.push(...(await tx.query<Returned>(insert(JSON.stringify(ruleAlerts), Prisma.sql`(rule_id, model_id)`, Prisma.sql`EXISTS (SELECT 1 FROM alert_rules r WHERE r.id = x.rule_id)`))));
    }
    if (sloAlerts.length > 0) rows.push(...(await tx.query<Returned>(insert(JSON.stringify(sloAlerts), Prisma.sql`(model_id, slo, burn_window)`, Prisma.sql`true`))));
    const ids = new Map(rows.map((r) => [keyOf(r), r.id]));
    const changes = upserts.flatMap((u) => {
      const id = ids.get(keyOf(u));
      return u.from !== null && id ? [{ alert_id: id, from: u.from, to: u.state, value: u.value }] : [];
    });
    if (changes.length > 0) {
      await tx.query(Prisma.sql`
        INSERT INTO alert_transitions (alert_id, at, "from", "to", value)
        SELECT x.alert_id::bigint, ${now}, x."from", x."to", x.value
        FROM jsonb_to_recordset(${JSON.stringify(changes)}::text::jsonb) AS x(alert_id text, "from" text, "to" text, value float8)`);
    }
  });
}
