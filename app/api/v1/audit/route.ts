import { listAudit } from "@/lib/auth/audit";
import { authorize } from "@/lib/auth/authorize";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** GET /api/v1/audit?limit=&before= — admin: who changed what, newest first; `before` is an entry id to page back from. */
export const GET = route(async (request) => {
  await authorize(request, "admin");
  const url = new URL(request.url);
  const limit = Number(url.searchParams.get("limit")) || 50;
  return Response.json({ entries: await listAudit({ limit, before: url.searchParams.get("before") ?? undefined }) });
});
