import { authorize } from "@/lib/auth/authorize";
import { notFound } from "@/lib/errors";
import { readJsonBody, route } from "@/lib/http/route";
import { modelId } from "@/lib/domain/ids";
import { defineModel, deleteModel } from "@/lib/models/define";
import { modelDefinition } from "@/lib/models/schemas";
import { getModel } from "@/lib/queries/getModel";

export const dynamic = "force-dynamic";
type Params = { model: string };

/** GET /api/v1/models/{model} */
export const GET = route<Params>(async (request, { params }) => {
  await authorize(request, "read");
  const { model } = await params;
  const detail = await getModel(model);
  if (!detail) throw notFound(`No model '${model}'.`);
  return Response.json(detail);
});

/** PUT /api/v1/models/{model} — create (201) or update (200); ingest keys may define the models they feed. */
export const PUT = route<Params>(async (request, { params }) => {
  await authorize(request, ["ingest", "admin"]);
  const id = modelId.parse((await params).model);
  const def = modelDefinition.parse(await readJsonBody(request));
  const { created } = await defineModel(id, def);
  return Response.json(await getModel(id), { status: created ? 201 : 200 });
});

/** DELETE /api/v1/models/{model} — admin only; removes the model's events, labels and references too. */
export const DELETE = route<Params>(async (request, { params }) => {
  await authorize(request, "admin");
  const { model } = await params;
  if (!(await deleteModel(model))) throw notFound(`No model '${model}'.`);
  return new Response(null, { status: 204 });
});
