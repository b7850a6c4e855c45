// A second server process for tests/integration/alertEvaluator.test.ts: evaluates the alert cycle at argv[2] on
// DATABASE_URL and prints the cycle's result as JSON on its last line.
import { evaluateOnce } from "../lib/alerts/evaluate/cycle";
import { closeDb } from "../lib/db/client";

async function main() {
  const result = await evaluateOnce(new Date(process.argv[2]));
  await closeDb();
  console.log(JSON.stringify(result));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
