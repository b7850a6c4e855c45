import { authorize } from "@/lib/auth";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http";
import { getDrift, parseMethods } from "@/lib/queries/getDrift";
import { parseReadQuery } from "@/lib/queries/params";

export const dynamic = "force-dynamic";

/** GET /api/v1/models/{model}/drift?methods=psi,ks&from&to&step|window=single&version&segment.<k>=<v> */
export const GET = route<{ model: string }>(async (request, { params }) => {
  await authorize(request, "read");
  const { model } = await params;
  const search = new URL(request.url).searchParams;
  const methods = parseMethods(search.get("methods"));
  const q = parseReadQuery(search);
  // Drift needs whole-hour windows; without a step the default is at least an hour.
  if (q.stepMs !== null && !search.get("step") && q.stepMs < 3_600_000) {
    search.set("step", "1h");
    return Response.json(await getOrThrow(model, parseReadQuery(search), methods));
  }
  return Response.json(await getOrThrow(model, q, methods));
});

async function getOrThrow(model: string, q: ReturnType<typeof parseReadQuery>, methods: ReturnType<typeof parseMethods>) {
  const result = await getDrift(model, q, methods);
  if (!result) throw notFound(`No model '${model}'.`);
  return result;
}
