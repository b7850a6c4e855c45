import { AlertStrip } from "@/components/model/AlertStrip";
import type { ModelView } from "../searchParams";
import { alertsOf } from "./data";

/** The model page's alert strip (a server component; wrap it in <Suspense>), from the same read as the chart bands. */
export async function AlertStripSection({ model, view, viewKey }: { model: string; view: ModelView; viewKey: string }) {
  const t = await alertsOf(model, viewKey, view);
  return <AlertStrip model={model} active={t.active} resolved={t.resolved} firedInRange={t.fired.length} />;
}
