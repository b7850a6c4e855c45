import { authorize } from "@/lib/auth/authorize";
import { notFound } from "@/lib/errors";
import { readJsonBody, route } from "@/lib/http/route";
import { replaceSlos } from "@/lib/alerts/slo/store";
import { putSlosRequest } from "@/lib/alerts/slo/validation";
import { getSlos } from "@/lib/queries/getSlos";

export const dynamic = "force-dynamic";
type Params = { model: string };

/** GET /api/v1/models/{model}/slos — read: each SLO with its error budget and burn-rate rows, now. */
export const GET = route<Params>(async (request, { params }) => {
  await authorize(request, "read");
  const { model } = await params;
  const slos = await getSlos(model);
  if (!slos) throw notFound(`No model '${model}'.`);
  return Response.json(slos);
});

/**
 * PUT /api/v1/models/{model}/slos — admin: `{"slos": [{"name"?, "kind": "availability"|"latency"|"accuracy",
 * "target": 0.999, "windowDays"?: 7–30 (30), "thresholdMs"? (latency)}]}` replaces the model's SLOs; answers
 * as GET does.
 */
export const PUT = route<Params>(async (request, { params }) => {
  await authorize(request, "admin");
  const { model } = await params;
  const body = putSlosRequest.parse(await readJsonBody(request));
  if (!(await replaceSlos(model, body.slos))) throw notFound(`No model '${model}'.`);
  return Response.json(await getSlos(model));
});
