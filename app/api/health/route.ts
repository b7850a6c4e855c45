import { checkHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

/** GET /api/health — the only unauthenticated route: 200 when the database answers, 503 otherwise. */
export async function GET() {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503 });
}
