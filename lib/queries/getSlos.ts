import "server-only";
import { getDb } from "../db/client";
import { loadAllSlos, loadSlos } from "../alerts/slo/store";
import type { Slo, SloStatus, SlosResponse } from "../alerts/slo/objectives";
import { evaluateSlosOfModels } from "../alerts/slo/read";

export type { SloStatus, SlosResponse };
export { evaluateSlosOfModels };

/**
 * A model's SLOs with their error budget over their window and their burn-rate rows, all windows ending at the
 * end of the minute in progress at `now`; null if the model does not exist. Reads rollups only: about 720 hour
 * rows and a few hundred minute rows however many events are stored.
 */
export async function getSlos(modelId: string, { now = new Date() }: { now?: Date } = {}): Promise<SlosResponse | null> {
  const model = await getDb().model.findUnique({ where: { id: modelId }, select: { id: true } });
  if (!model) return null;
  return evaluateSlos(model.id, await loadSlos(modelId), { now });
}

/** `slos` of a model (stored or not: an alert evaluator or a bench may pass its own) evaluated at `now`. */
export async function evaluateSlos(modelId: string, slos: Slo[], { now = new Date() }: { now?: Date } = {}): Promise<SlosResponse> {
  return (await evaluateSlosOfModels(new Map([[modelId, slos]]), { now }))[0];
}

/**
 * Every stored SLO of every model that has one, evaluated at `now` in one statement (the overview's SLO column
 * and an alert evaluator's cycle): models without SLOs are left out.
 */
export async function getFleetSlos({ now = new Date() }: { now?: Date } = {}): Promise<SlosResponse[]> {
  return evaluateSlosOfModels(await loadAllSlos(), { now });
}

