import { databaseKind, getDb } from "./db/client";
export { RETRY_AFTER_SECONDS } from "./db/unavailable";

export type Health = { status: "ok" | "unavailable"; database: "postgres" | "embedded"; error?: { code: string; message: string } };

/** Whether the database answers a trivial query: what `/api/health` reports to load balancers and probes. */
export async function checkHealth(): Promise<Health> {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return { status: "ok", database: databaseKind() };
  } catch (err) {
    console.error("[driftwatch] health check failed:", err);
    return { status: "unavailable", database: databaseKind(), error: { code: "database_unavailable", message: "The database does not answer." } };
  }
}
