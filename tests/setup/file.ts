import { afterAll } from "vitest";

// Each test file releases the database (and the embedded database's directory lock) for the next file.
afterAll(async () => {
  const { closeDb } = await import("../../lib/db/client");
  await closeDb();
});
