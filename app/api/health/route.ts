import { checkHealth, RETRY_AFTER_SECONDS } from "@/lib/health";

export const dynamic = "force-dynamic";

/** GET /api/health — the only unauthenticated route: 200 when the database answers, 503 (with Retry-After) otherwise. */
export async function GET() {
  const health = await checkHealth();
  if (health.status === "ok") return Response.json(health);
  return Response.json(health, { status: 503, headers: { "retry-after": String(RETRY_AFTER_SECONDS) } });
}
