/** `npm run db:migrate` — applies pending migrations to DATABASE_URL, or to the embedded database in .data/. */
import { closeDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";

migrate()
  .then(async (applied) => {
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    await closeDb();
    process.exit(0);
  })
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
