import { authorize } from "@/lib/auth/authorize";
import { createUser, createUserRequest, listUsers } from "@/lib/auth/users";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/users — admin: the dashboard's users (never their password hashes). */
export const GET = route(async (request) => {
  await authorize(request, "admin");
  return Response.json({ users: await listUsers() });
});

/** POST /api/v1/users — admin: `{"email", "name"?, "role": "viewer"|"editor"|"admin", "password"}` (≥ 12 characters). */
export const POST = route(async (request) => {
  await authorize(request, "admin");
  const input = createUserRequest.parse(await readJsonBody(request));
  return Response.json(await createUser(input), { status: 201 });
});
