import { authorize } from "@/lib/auth/authorize";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/route";
import { parseReadQuery } from "@/lib/queries/params";
import { getQuality, parseMissingStep } from "@/lib/queries/getQuality";

export const dynamic = "force-dynamic";

/**
 * GET /api/v1/models/{model}/quality?from&to&version&segment.<k>=<v>[&step=1h] — one window, per feature; with
 * `step` (whole hours), each feature's missing share per bucket too.
 */
export const GET = route<{ model: string }>(async (request, { params }) => {
  await authorize(request, "read");
  const { model } = await params;
  const search = new URL(request.url).searchParams;
  search.set("window", "single");
  const q = parseReadQuery(search);
  const result = await getQuality(model, q, parseMissingStep(search.get("step"), q));
  if (!result) throw notFound(`No model '${model}'.`);
  return Response.json(result);
});
