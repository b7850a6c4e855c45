import { databaseKind, getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

/** GET /api/health — the only unauthenticated route: 200 when the database answers, 503 otherwise. */
export async function GET() {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok", database: databaseKind() });
  } catch (err) {
    console.error("[driftwatch] health check failed:", err);
    return Response.json(
      { status: "unavailable", database: databaseKind(), error: { code: "database_unavailable", message: "The database does not answer." } },
      { status: 503 },
    );
  }
}
