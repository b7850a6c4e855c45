import { config } from "../config";
import { getDb, Prisma } from "../db/client";
import { unprocessable } from "../errors";
import { createDefaultRules } from "../alerts/rules/store";
import { invalidateModelContext } from "../rollups/store/contexts";
import { lockModels } from "../rollups/store/write";
import type { ModelDefinition } from "./schemas";

// Prisma's defaults (2 s to get a connection, 5 s in all) made a definition of many features a 500 on a busy
// server: it upserts one feature at a time, up to DRIFTWATCH_MAX_FEATURES_PER_MODEL of them.
const DEFINE_TRANSACTION = { maxWait: 30_000, timeout: 120_000 };

/** Creates or updates a model from its definition; returns whether it was created. */
export async function defineModel(id: string, def: ModelDefinition): Promise<{ created: boolean }> {
  const db = getDb();
  const { maxFeaturesPerModel } = config();
  if (def.features && def.features.length > maxFeaturesPerModel) {
    throw unprocessable(`A model may have at most ${maxFeaturesPerModel} features (DRIFTWATCH_MAX_FEATURES_PER_MODEL).`, [
      { path: "features", message: `must have at most ${maxFeaturesPerModel} items` },
    ]);
  }
  const result = await db.$transaction(async (tx) => {
    const existing = await tx.model.findUnique({ where: { id } });
    if (!existing && !def.task) {
      throw unprocessable("A new model needs a task.", [{ path: "task", message: "required when creating a model" }]);
    }
    const task = def.task ?? existing!.task;
    if (task === "regression" && (def.classes?.length || def.positiveClass)) {
      throw unprocessable("A regression model has no classes.", [{ path: "classes", message: "not allowed for regression" }]);
    }
    const data = {
      name: def.name ?? existing?.name ?? id,
      description: def.description ?? existing?.description ?? "",
      task,
      positiveClass: def.positiveClass ?? existing?.positiveClass ?? null,
      classes: (def.classes ?? (existing?.classes as string[] | undefined) ?? []) as Prisma.InputJsonValue,
      driftSettings: (def.drift ?? existing?.driftSettings ?? {}) as Prisma.InputJsonValue,
      windows: (def.windows ?? existing?.windows ?? {}) as Prisma.InputJsonValue,
      autoRegistered: false,
    };
    await tx.model.upsert({ where: { id }, create: { id, ...data }, update: data });
    if (!existing) await createDefaultRules(tx, id, task);
    if (def.features) {
      await tx.feature.updateMany({
        where: { modelId: id, name: { notIn: def.features.map((f) => f.name) } },
        data: { inferred: true, position: { increment: def.features.length } },
      });
      for (const [position, f] of def.features.entries()) {
        const fields = {
          type: f.type,
          min: f.min ?? null,
          max: f.max ?? null,
          allowed: (f.allowed ?? Prisma.DbNull) as Prisma.InputJsonValue | typeof Prisma.DbNull,
          importance: f.importance ?? null,
          inferred: false,
          position,
        };
        await tx.feature.upsert({
          where: { modelId_name: { modelId: id, name: f.name } },
          create: { modelId: id, name: f.name, ...fields },
          update: fields,
        });
      }
    }
    return { created: !existing };
  }, DEFINE_TRANSACTION);
  invalidateModelContext(id);
  return result;
}

/** Deletes a model with everything stored for it; false when there was no such model. */
export async function deleteModel(id: string): Promise<boolean> {
  const db = getDb();
  const deleted = await db.$transaction(
    async (tx) => {
      // Alone on the model: writers in flight finish first, and none counts into rollups being deleted.
      await lockModels(tx, [id], "exclusive");
      const gone = await tx.model.deleteMany({ where: { id } });
      if (gone.count === 0) return false;
      // Rollups go with the events they count: events sent again after the delete must count once, not twice.
      for (const table of ["prediction_events", "labels", "rollups", "feature_rollups", "feature_rollups_daily"]) {
        await tx.$executeRaw(Prisma.sql`DELETE FROM ${Prisma.raw(table)} WHERE model_id = ${id}`);
      }
      return true;
    },
    { timeout: 600_000 },
  );
  invalidateModelContext(id);
  return deleted;
}
