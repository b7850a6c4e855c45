import { SloLine } from "@/components/slo/SloLine";
import type { SlosResponse } from "@/lib/alerts/slo/objectives";

/**
 * A model's SLO line on the overview, from the fleet's SLO evaluation the page started once (streamed in its own
 * <Suspense>, so the table never waits for it). A failed evaluation shows nothing rather than failing the row.
 */
export async function SloCell({ model, fleet }: { model: string; fleet: Promise<SlosResponse[] | null> }) {
  const entry = (await fleet)?.find((f) => f.model === model);
  return entry ? <SloLine model={model} slos={entry.slos} /> : null;
}
