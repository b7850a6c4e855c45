import { authorize } from "@/lib/auth/authorize";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { parseReadQuery } from "@/lib/queries/params";
import { getQuality } from "@/lib/queries/getQuality";

export const dynamic = "force-dynamic";

/** GET /api/v1/models/{model}/quality?from&to&version&segment.<k>=<v> — one window, per feature. */
export const GET = route<{ model: string }>(async (request, { params }) => {
  await authorize(request, "read");
  const { model } = await params;
  const search = new URL(request.url).searchParams;
  search.set("window", "single");
  const result = await getQuality(model, parseReadQuery(search));
  if (!result) throw notFound(`No model '${model}'.`);
  return Response.json(result);
});
