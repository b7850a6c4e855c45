import { revokeApiKey } from "@/lib/auth/apiKeys";
import { authorize } from "@/lib/auth/authorize";
import { notFound } from "@/lib/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** DELETE /api/v1/api-keys/{id} — admin: revokes the key. */
export const DELETE = route<{ id: string }>(async (request, { params }) => {
  await authorize(request, "admin");
  const { id } = await params;
  if (!(await revokeApiKey(id))) throw notFound(`No active API key '${id}'.`);
  return new Response(null, { status: 204 });
});
