import { config } from "../config";
import { type AnyTx, Prisma, runSql } from "../db/client";
import { defaultRulesSql } from "../alerts/rules/defaults";
import { type FeatureType, inferFeatureType, type Task } from "../domain/model";
import { invalidateModelContext, knownFeatureNames, rememberFeatureNames } from "../rollups/store/contexts";

type Tx = AnyTx;

/** What ingest needs to know of an event to register its model. */
export type RegistrySample = {
  model: string;
  features: Record<string, unknown>;
  prediction?: string | number | boolean | null;
  probabilities?: Record<string, number>;
  label?: string | number | boolean;
};

/**
 * Guesses a model's task from its first events. Strings and booleans are class labels; numbers are classes when
 * probabilities come with them or they are few distinct integers (≤ 20), otherwise a regression target. Two
 * classes or fewer make it binary. The guess is stored as `auto_registered`; a PUT of the model overrides it.
 */
export function inferTask(samples: RegistrySample[]): { task: Task; classes: string[] } {
  const values = samples.flatMap((s) => [s.prediction, s.label]).filter((v) => v !== undefined && v !== null);
  const withProbabilities = samples.some((s) => s.probabilities && Object.keys(s.probabilities).length > 0);
  const numbers = values.filter((v): v is number => typeof v === "number");
  const distinct = new Set(values.map(String));
  const regression =
    values.length > 0 &&
    numbers.length === values.length &&
    !withProbabilities &&
    (numbers.some((n) => !Number.isInteger(n)) || distinct.size > 20);
  if (regression) return { task: "regression", classes: [] };
  for (const s of samples) for (const k of Object.keys(s.probabilities ?? {})) distinct.add(k);
  const classes = [...distinct].sort();
  return { task: classes.length <= 2 ? "binary_classification" : "multiclass_classification", classes };
}

/** Feature names events carried that their model has no room for (per model: how many, and the first few). */
export type UnregisteredFeatures = Record<string, { count: number; names: string[] }>;
const REPORTED_NAMES = 20;

// Names found over a model's cap, remembered for a minute so that events repeating them do not try to register
// them (and reload the model's context) on every batch; at most OVER_CAP_NAMES per model are remembered.
const OVER_CAP_MS = 60_000;
const OVER_CAP_NAMES = 10_000;
const overCap = new Map<string, { names: Set<string>; until: number }>();

/**
 * Registers models that events name but that do not exist yet, and any feature names not seen before (typed by
 * their first non-null value), up to `maxFeatures` per model: names beyond it are not registered (their values
 * stay in the raw events, uncounted) and are returned, so a flood of new names can never make a model's reads
 * grow without bound. Idempotent and safe under concurrent first batches (ON CONFLICT DO NOTHING); concurrent
 * batches may together pass the cap by the new names of the batches in flight.
 */
export async function registerFromEvents(
  tx: Tx,
  samples: RegistrySample[],
  now = Date.now(),
  maxFeatures = config().maxFeaturesPerModel,
): Promise<UnregisteredFeatures> {
  const byModel = new Map<string, RegistrySample[]>();
  for (const s of samples) {
    const list = byModel.get(s.model);
    if (list) list.push(s);
    else byModel.set(s.model, [s]);
  }
  const ids = [...byModel.keys()].sort();
  // Models whose feature names this process read within the last minute existed then: steady ingest asks for none
  // of them. One deleted since (here or on another replica) is caught by the write itself, which finds it gone,
  // forgets what it knew of it and runs again, registering it anew (lib/ingest/predictions.ts afterInsert).
  const unknown = ids.filter((id) => knownFeatureNames(id, now) === undefined);
  const existing = unknown.length === 0 ? [] : await runSql<{ id: string }>(tx, Prisma.sql`SELECT id FROM models WHERE id = ANY(${unknown}::text[])`);
  const have = new Set(existing.map((r) => r.id));
  const missing = unknown.filter((id) => !have.has(id));
  if (missing.length > 0) {
    const tasks = missing.map((id) => inferTask(byModel.get(id)!));
    const created = await runSql<{ id: string; task: string }>(tx, Prisma.sql`
      INSERT INTO models (id, name, task, classes, auto_registered)
      SELECT id, id, task, classes::jsonb, true
      FROM unnest(${missing}::text[], ${tasks.map((t) => t.task)}::text[], ${tasks.map((t) => JSON.stringify(t.classes))}::text[])
        AS t(id, task, classes)
      ON CONFLICT (id) DO NOTHING
      RETURNING id, task`);
    // A model registered by its first events gets the default alert rules, as one created by PUT does.
    if (created.length > 0) await runSql(tx, defaultRulesSql(created));
  }

  for (const id of missing) invalidateModelContext(id);

  const fModel: string[] = [];
  const fName: string[] = [];
  const fType: string[] = [];
  const refresh: string[] = [];
  const unregistered: UnregisteredFeatures = {};
  const refuse = (model: string, name: string) => {
    const u = (unregistered[model] ??= { count: 0, names: [] });
    u.count++;
    if (u.names.length < REPORTED_NAMES) u.names.push(name);
  };
  for (const [model, list] of byModel) {
    const known = knownFeatureNames(model, now);
    const fresh = known !== undefined;
    const names = known ?? new Set<string>();
    const full = overCap.get(model);
    const over = full && full.until > now ? full.names : undefined;
    const types = new Map<string, FeatureType | null>();
    for (const s of list) {
      const features = s.features;
      for (const name in features) {
        if (!Object.hasOwn(features, name) || names.has(name) || types.get(name)) continue;
        if (over?.has(name)) {
          if (!types.has(name)) refuse(model, name);
          types.set(name, null);
          continue;
        }
        types.set(name, inferFeatureType(features[name]));
      }
    }
    let added = false;
    for (const [name, type] of types) {
      if (type === null) continue; // only nulls so far: typed when a value arrives
      fModel.push(model);
      fName.push(name);
      fType.push(type);
      added = true;
    }
    if (!fresh || added) refresh.push(model);
  }
  if (fName.length > 0) {
    // New names go after the model's existing features, in the order they arrived.
    // Only names not registered yet take a place, and only while the model has fewer than maxFeatures.
    await runSql(tx, Prisma.sql`
      INSERT INTO features (model_id, name, type, inferred, position)
      SELECT model_id, name, type, true, position FROM (
        SELECT t.model_id, t.name, t.type,
               coalesce((SELECT max(position) + 1 FROM features f WHERE f.model_id = t.model_id), 0)
                 + (row_number() OVER (PARTITION BY t.model_id ORDER BY t.ord))::int - 1 AS position,
               (SELECT count(*) FROM features f WHERE f.model_id = t.model_id)
                 + (row_number() OVER (PARTITION BY t.model_id ORDER BY t.ord))::int AS total
        FROM unnest(${fModel}::text[], ${fName}::text[], ${fType}::text[]) WITH ORDINALITY AS t(model_id, name, type, ord)
        WHERE EXISTS (SELECT 1 FROM models m WHERE m.id = t.model_id) -- deleted meanwhile: the write retries and registers it again
          AND NOT EXISTS (SELECT 1 FROM features f WHERE f.model_id = t.model_id AND f.name = t.name)
      ) n
      WHERE total <= ${maxFeatures}
      ORDER BY model_id, name
      ON CONFLICT (model_id, name) DO NOTHING`);
  }
  if (refresh.length > 0) {
    const rows = await runSql<{ model_id: string; name: string }>(
      tx,
      Prisma.sql`SELECT model_id, name FROM features WHERE model_id = ANY(${refresh}::text[])`,
    );
    const names = new Map(refresh.map((model) => [model, new Set<string>()]));
    for (const r of rows) names.get(r.model_id)!.add(r.name);
    for (const model of refresh) {
      invalidateModelContext(model); // new features or a new model: the rollup context must see them
      rememberFeatureNames(model, names.get(model)!, now);
    }
  }
  for (let i = 0; i < fName.length; i++) {
    const model = fModel[i];
    if (knownFeatureNames(model, now)?.has(fName[i])) continue;
    refuse(model, fName[i]);
    let entry = overCap.get(model);
    if (!entry || entry.until <= now) overCap.set(model, (entry = { names: new Set(), until: now + OVER_CAP_MS }));
    if (entry.names.size < OVER_CAP_NAMES) entry.names.add(fName[i]);
  }
  return unregistered;
}
