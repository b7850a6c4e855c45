/** Runs once when the server starts: opens the database so the first request does not pay for it. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getDb } = await import("./lib/db/client");
  await getDb().$queryRaw`SELECT 1`;
}
