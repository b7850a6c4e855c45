import path from "node:path";
import { defineConfig } from "prisma/config";

// Prisma's CLI tries to download its native schema engine on every command, which cannot work offline.
// `prisma generate` does not need it, so point it at a stub; migrations run through scripts/db (wasm engine).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(__dirname, "scripts", "db", "schema-engine-stub.sh");

export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
});
