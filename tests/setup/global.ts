import pg from "pg";

/** Refuses to wipe anything but a database on this machine. */
function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host)) {
    throw new Error(`Tests reset their database; refusing DATABASE_URL on host ${host}. Point it at a local test database.`);
  }
}

/** Starts every run from an empty, fully migrated database: real PostgreSQL when DATABASE_URL is set, else PGlite. */
export default async function setup() {
  const url = process.env.DATABASE_URL;
  if (url) {
    assertLocal(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    await client.end();
  }
  const { migrate } = await import("../../lib/db/migrate");
  const { closeDb } = await import("../../lib/db/client");
  await migrate();
  await closeDb();
}
