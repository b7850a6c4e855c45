/**
 * `npm run db:rebin-references` — the data migration of issue #14, ahead of a start (which runs it too): every
 * reference still on the pre-#14 decile bins is re-binned on the quantile bins from its stored rows, and its model's
 * feature rollups are re-counted from the raw events on them. Idempotent. See lib/models/references/rebin.ts.
 */
import { closeDb } from "../../lib/db/client";
import { migrate } from "../../lib/db/migrate";
import { rebinLegacyReferences } from "../../lib/models/references/rebin";

migrate()
  .then(() => rebinLegacyReferences((msg) => console.log(msg)))
  .then(async ({ references, rebinnedModels }) => {
    console.log(references.length ? `re-binned ${references.length} reference(s); feature rollups recounted for ${rebinnedModels.length} model(s)` : "every reference is on the quantile bins");
    await closeDb();
    process.exit(0);
  })
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
