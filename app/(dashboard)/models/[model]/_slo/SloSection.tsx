import { SloSummary } from "@/components/slo/SloSummary";
import { getSlos } from "@/lib/queries/getSlos";

/**
 * The model page's SLO section (a server component; wrap it in <Suspense>): each SLO's state and budget left,
 * linking to /models/<model>/slos. Reads the same query as GET /api/v1/models/{model}/slos.
 */
export async function SloSection({ model }: { model: string }) {
  const res = await getSlos(model);
  if (!res) return null;
  return <SloSummary model={model} slos={res.slos} />;
}
