import { CellDetail } from "@/components/drift/CellDetail";
import { DRIFT_METHODS } from "@/lib/drift/computeDrift";
import { getDrift } from "@/lib/queries/getDrift";
import { PREDICTION_ROW } from "./searchParams";

/**
 * The drawer's content for one cell: the drift API's single window over exactly that window, every method,
 * with bins, for that one feature (`bins=true&feature=<name>`). Streamed in its own Suspense boundary so the heatmap never waits for it.
 */
export async function CellPanel({ model, feature, start, stepMs, version }: { model: string; feature: string; start: Date; stepMs: number; version: string | null }) {
  const res = await getDrift(model, { from: start, to: new Date(start.getTime() + stepMs), stepMs: null, version, segments: {} }, [...DRIFT_METHODS], {
    bins: true,
    // the drawer shows one feature: only it runs every method (the verdict is still judged over all features)
    ...(feature === PREDICTION_ROW ? {} : { features: [feature] }),
  });
  const w = res?.windows[0];
  const f = feature === PREDICTION_ROW ? w?.prediction : w?.features.find((x) => x.feature === feature);
  if (!res || !f) return <p className="text-sm text-slate-600 dark:text-slate-400">No feature &lsquo;{feature}&rsquo; in this window.</p>;
  return <CellDetail feature={f} referenceRows={res.reference.rows} />;
}
