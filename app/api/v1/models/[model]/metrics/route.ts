import { authorize } from "@/lib/auth/authorize";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { getMetrics } from "@/lib/queries/getMetrics";
import { parseReadQuery } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** GET /api/v1/models/{model}/metrics?from&to&step|window=single&version&segment.<k>=<v> */
export const GET = route<{ model: string }>(async (request, { params }) => {
  await authorize(request, "read");
  const { model } = await params;
  const result = await getMetrics(model, parseReadQuery(new URL(request.url).searchParams));
  if (!result) throw notFound(`No model '${model}'.`);
  return Response.json(result);
});
