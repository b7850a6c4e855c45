import { authorize } from "@/lib/auth/authorize";
import { updateUser, updateUserRequest } from "@/lib/auth/users";
import { readJsonBody, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** PATCH /api/v1/users/{id} — admin: `{"role"?, "disabled"?, "password"?}`; disabling or a new password ends their sessions. */
export const PATCH = route<{ id: string }>(async (request, { params }) => {
  await authorize(request, "admin");
  const { id } = await params;
  const input = updateUserRequest.parse(await readJsonBody(request));
  return Response.json(await updateUser(id, input));
});
