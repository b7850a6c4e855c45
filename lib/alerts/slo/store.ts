import { getDb } from "../../db/client";
import { unprocessable } from "../../errors";
import type { Slo, SloKind } from "./objectives";

/** A model's SLOs in the order they were given. */
export async function loadSlos(modelId: string): Promise<Slo[]> {
  const rows = await getDb().slo.findMany({ where: { modelId }, orderBy: [{ position: "asc" }, { name: "asc" }] });
  return rows.map((r) => ({ name: r.name, kind: r.kind as SloKind, target: r.target, windowDays: r.windowDays, thresholdMs: r.thresholdMs }));
}

/** Every model's SLOs, by model (models without SLOs absent), each model's in the order they were given. */
export async function loadAllSlos(): Promise<Map<string, Slo[]>> {
  const rows = await getDb().slo.findMany({ orderBy: [{ modelId: "asc" }, { position: "asc" }, { name: "asc" }] });
  const out = new Map<string, Slo[]>();
  for (const r of rows) {
    const list = out.get(r.modelId) ?? [];
    list.push({ name: r.name, kind: r.kind as SloKind, target: r.target, windowDays: r.windowDays, thresholdMs: r.thresholdMs });
    out.set(r.modelId, list);
  }
  return out;
}

/**
 * Replaces a model's SLOs with `slos` in one transaction; false if the model does not exist. Accuracy needs
 * labelled classes, so a regression model's accuracy SLO is refused (422).
 */
export async function replaceSlos(modelId: string, slos: Slo[]): Promise<boolean> {
  const db = getDb();
  return db.$transaction(async (tx) => {
    const model = await tx.model.findUnique({ where: { id: modelId }, select: { task: true } });
    if (!model) return false;
    if (model.task === "regression") {
      const i = slos.findIndex((s) => s.kind === "accuracy");
      if (i >= 0) {
        throw unprocessable("Invalid SLOs.", [
          { path: `slos.${i}.kind`, message: "accuracy SLOs count correct classes, and this is a regression model; use availability or latency" },
        ]);
      }
    }
    await tx.slo.deleteMany({ where: { modelId } });
    if (slos.length > 0) {
      await tx.slo.createMany({
        data: slos.map((s, position) => ({ modelId, name: s.name, kind: s.kind, target: s.target, windowDays: s.windowDays, thresholdMs: s.thresholdMs, position })),
      });
    }
    return true;
  });
}
