import { authorize } from "@/lib/auth/authorize";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { getDrift, parseBins, parseMethods } from "@/lib/queries/getDrift";
import { parseReadQuery } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** GET /api/v1/models/{model}/drift?methods=psi,ks&from&to&step|window=single&version&segment.<k>=<v>&bins=true&feature=<name>… */
export const GET = route<{ model: string }>(async (request, { params }) => {
  await authorize(request, "read");
  const { model } = await params;
  const search = new URL(request.url).searchParams;
  const methods = parseMethods(search.get("methods"));
  const bins = parseBins(search.get("bins"));
  const features = search.getAll("feature");
  // Drift windows are whole hours (feature rollups are hourly): the default step is at least an hour.
  const result = await getDrift(model, parseReadQuery(search, { minDefaultStepMs: 3_600_000 }), methods, { bins, features });
  if (!result) throw notFound(`No model '${model}'.`);
  return Response.json(result);
});
