import { createApiKey, createApiKeyRequest, listApiKeys } from "@/lib/auth/apiKeys";
import { actorOf } from "@/lib/auth/audit";
import { authorize } from "@/lib/auth/authorize";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/api-keys — admin: the keys, never their tokens. */
export const GET = route(async (request) => {
  await authorize(request, "admin");
  return Response.json({ keys: await listApiKeys() });
});

/** POST /api/v1/api-keys — admin: `{"name", "scopes": ["ingest"|"read"|"admin", ...], "expiresAt"?}`; the token is shown once. */
export const POST = route(async (request) => {
  const principal = await authorize(request, "admin");
  const input = createApiKeyRequest.parse(await readJsonBody(request));
  return Response.json(await createApiKey(input, actorOf(principal)), { status: 201 });
});
