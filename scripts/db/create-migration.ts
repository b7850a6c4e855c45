// Creates a Prisma migration offline: replays prisma/migrations onto an in-memory PGlite, diffs it against the
// schema with the wasm schema engine and writes prisma/migrations/<UTC timestamp>_<name>/migration.sql.
//
//   npx tsx scripts/db/create-migration.ts <name>   write a migration if the schema changed
//   npx tsx scripts/db/create-migration.ts --check  exit 0 if migrations match the schema, 1 (and print the SQL) if not
// Options: --schema <path> (default prisma/schema.prisma), --migrations <dir> (default prisma/migrations).
// Exit code 2 means the run itself failed (bad arguments, invalid schema, a migration that does not apply).
import fs from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { createSchemaEngine, LOCKFILE, lockfileContent, PGliteMigrationFactory, readMigrations } from "./wasm-engine";

const USAGE = "usage: tsx scripts/db/create-migration.ts (<name> | --check) [--schema <path>] [--migrations <dir>]";

interface Args {
  name: string;
  check: boolean;
  schemaPath: string;
  migrationsDir: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { name: "", check: false, schemaPath: "prisma/schema.prisma", migrationsDir: "prisma/migrations" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") args.check = true;
    else if (arg === "--schema" || arg === "--migrations") {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === "--schema") args.schemaPath = value;
      else args.migrationsDir = value;
    } else if (arg.startsWith("-") || args.name) throw new Error(`unexpected argument ${arg}\n${USAGE}`);
    else args.name = arg;
  }
  // Same shape as the names Prisma generates: lower-case words joined by "_".
  args.name = args.name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 200);
  if (!args.check && !args.name) throw new Error(`a migration name is required\n${USAGE}`);
  return args;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const schemaPath = path.resolve(args.schemaPath);
  const baseDir = path.resolve(args.migrationsDir);
  const schemaContent = await fs.readFile(schemaPath, "utf8");

  // The "dev" database is an empty in-memory PGlite; the adapter's shadow database (another in-memory PGlite)
  // is where the engine replays the existing migrations before diffing them against the schema.
  const engine = await createSchemaEngine({
    adapterFactory: new PGliteMigrationFactory(new PGlite("memory://")),
    schemaPath,
    schemaContent,
  });
  const migrationsList = await readMigrations(baseDir);
  const filters = { externalTables: [], externalEnums: [] };
  // The `prisma migrate dev` sequence: apply the migrations to the dev database, then devDiagnostic replays them on
  // the shadow database (checking for drift) and caches the resulting schema; createMigration has no shadow
  // database of its own in the wasm engine and diffs the schema against that cache.
  await engine.applyMigrations({ migrationsList, filters });
  const diagnostic = await engine.devDiagnostic({ migrationsList, filters });
  if (diagnostic.action.tag === "reset") throw new Error(`the migrations do not replay cleanly: ${diagnostic.action.reason}`);
  const result = await engine.createMigration({
    draft: false,
    migrationName: args.name || "check",
    migrationsList,
    schema: { files: [{ path: schemaPath, content: schemaContent }] },
    filters,
  });

  const count = migrationsList.migrationDirectories.length;
  if (result.migrationScript === null) {
    console.log(`no schema changes: ${args.schemaPath} matches the ${count} migration(s) in ${args.migrationsDir}`);
    return 0;
  }
  if (args.check) {
    console.error(`${args.migrationsDir} does not match ${args.schemaPath}; this SQL is missing from the migrations:\n`);
    console.error(result.migrationScript);
    console.error(`Create it with: npx tsx scripts/db/create-migration.ts <name>`);
    return 1;
  }

  const dir = path.join(baseDir, result.generatedMigrationName);
  await fs.mkdir(dir, { recursive: false }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return fs.mkdir(dir, { recursive: true });
    throw error; // EEXIST: never overwrite a migration
  });
  const file = path.join(dir, `migration.${result.extension}`);
  await fs.writeFile(file, result.migrationScript, "utf8");
  if (migrationsList.lockfile.content === null) {
    await fs.writeFile(path.join(baseDir, LOCKFILE), lockfileContent(result.connectorType), "utf8");
  }
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
  return 0;
}

main().then(
  (code) => process.exit(code), // the wasm engine keeps a timer alive for ~10 s
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  },
);
