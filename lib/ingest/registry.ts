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

/**
 * Registers models that events name but that do not exist yet, and any feature names not seen before (typed by
 * their first non-null value). Idempotent and safe under concurrent first batches (ON CONFLICT DO NOTHING).
 */
export async function registerFromEvents(tx: Tx, samples: RegistrySample[], now = Date.now()): Promise<void> {
  const byModel = new Map<string, RegistrySample[]>();
  for (const s of samples) {
    const list = byModel.get(s.model);
    if (list) list.push(s);
    else byModel.set(s.model, [s]);
  }
  const ids = [...byModel.keys()].sort();
  const existing = await runSql<{ id: string }>(tx, Prisma.sql`SELECT id FROM models WHERE id = ANY(${ids}::text[])`);
  const have = new Set(existing.map((r) => r.id));
  const missing = ids.filter((id) => !have.has(id));
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
  for (const [model, list] of byModel) {
    const known = knownFeatureNames(model, now);
    const fresh = known !== undefined;
    const names = known ?? new Set<string>();
    const types = new Map<string, FeatureType | null>();
    for (const s of list) {
      const features = s.features;
      for (const name in features) {
        if (!Object.hasOwn(features, name) || names.has(name) || types.get(name)) continue;
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
    await runSql(tx, Prisma.sql`
      INSERT INTO features (model_id, name, type, inferred, position)
      SELECT t.model_id, t.name, t.type, true,
             coalesce((SELECT max(position) + 1 FROM features f WHERE f.model_id = t.model_id), 0)
               + (row_number() OVER (PARTITION BY t.model_id ORDER BY t.ord))::int - 1
      FROM unnest(${fModel}::text[], ${fName}::text[], ${fType}::text[]) WITH ORDINALITY AS t(model_id, name, type, ord)
      WHERE EXISTS (SELECT 1 FROM models m WHERE m.id = t.model_id) -- deleted meanwhile: the write retries and registers it again
      ORDER BY t.model_id, t.name
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
}
