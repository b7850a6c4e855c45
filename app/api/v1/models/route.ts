import { authorize } from "@/lib/auth/authorize";
import { route } from "@/lib/http/route";
import { listModels } from "@/lib/queries/listModels";

export const dynamic = "force-dynamic";

/** GET /api/v1/models — every model with its status and headline numbers. */
export const GET = route(async (request) => {
  await authorize(request, "read");
  return Response.json({ models: await listModels() });
});
