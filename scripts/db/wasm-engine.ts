// Loads Prisma's WebAssembly schema engine (the native one cannot be downloaded offline) and reads a
// migrations directory the way the Prisma CLI does, so the result stays compatible with `prisma migrate`.
import fs from "node:fs/promises";
import path from "node:path";
import { messages, PGlite } from "@electric-sql/pglite";
import {
  bindMigrationAwareSqlAdapterFactory,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { MigrationDirectory, MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";
import { PrismaPGlite } from "pglite-prisma-adapter";

export type { SchemaEngine } from "@prisma/schema-engine-wasm";

/** The wasm glue reports Rust panics through this global (the Prisma CLI installs the same object). */
class PanicRegistry {
  message = "";
  get_message(): string {
    return this.message;
  }
  set_message(value: string): void {
    this.message = `RuntimeError: ${value}`;
  }
}

type Runtime = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");
let runtime: Promise<Runtime> | undefined;

/** Instantiates schema_engine_bg.wasm once per process, with schema_engine_bg.js as its import object. */
function loadRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    // safe because: the registry is an untyped global the wasm glue reads (`global.PRISMA_WASM_PANIC_REGISTRY`)
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }).PRISMA_WASM_PANIC_REGISTRY ??= new PanicRegistry();
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmPath = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
    const { instance } = await WebAssembly.instantiate(await fs.readFile(wasmPath), {
      // safe because: the module's only import namespace is this glue file (wasm-bindgen "bundler" target)
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    // safe because: wasm-bindgen exports __wbindgen_start (see schema_engine_bg.wasm.d.ts)
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return runtime;
}

export interface EngineOptions {
  /** A migration-aware adapter factory, e.g. `new PGliteMigrationFactory(pglite)`; its shadow database is used to replay migrations. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  schemaPath: string;
  schemaContent: string;
  /** Receives the engine's debug log lines. */
  log?: (line: string) => void;
}

export async function createSchemaEngine(options: EngineOptions): Promise<SchemaEngine> {
  const { SchemaEngine: Engine } = await loadRuntime();
  const log = options.log ?? (() => {});
  return Engine.new(
    { datamodels: [[options.schemaPath, options.schemaContent]] },
    log,
    bindMigrationAwareSqlAdapterFactory(options.adapterFactory),
  );
}

/**
 * pglite-prisma-adapter 0.7.2's `executeScript` does not await `client.exec()`: a failing migration script is
 * reported to the engine as applied and its error surfaces later as an unhandled rejection. This factory (the
 * main database plus a fresh in-memory PGlite as shadow database) awaits the script and reports its error.
 */
export class PGliteMigrationFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "pglite-prisma-adapter";
  constructor(private readonly db: PGlite) {}
  connect(): Promise<SqlDriverAdapter> {
    return withAwaitedScripts(this.db);
  }
  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return withAwaitedScripts(new PGlite("memory://"));
  }
}

async function withAwaitedScripts(db: PGlite): Promise<SqlDriverAdapter> {
  const adapter = await new PrismaPGlite(db).connect();
  adapter.executeScript = async (script) => {
    try {
      await db.exec(script);
    } catch (error) {
      if (!(error instanceof messages.DatabaseError)) throw error;
      const { code = "", severity = "ERROR", message, detail, column, hint } = error;
      throw new DriverAdapterError({ kind: "postgres", code, severity, message, detail, column, hint });
    }
  };
  return adapter;
}

export const LOCKFILE = "migration_lock.toml";

/** Reads `<dir>/<name>/migration.sql` + the lockfile exactly like the Prisma CLI (sorted by directory name). */
export async function readMigrations(baseDir: string): Promise<MigrationList> {
  const lockContent = await fs.readFile(path.join(baseDir, LOCKFILE), "utf8").catch(() => null);
  const entries = await fs.readdir(baseDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories: MigrationDirectory[] = [];
  for (const entry of entries.filter((e) => e.isDirectory())) {
    const file = path.join(baseDir, entry.name, "migration.sql");
    const content = await fs.readFile(file, "utf8").then(
      (value) => ({ tag: "ok" as const, value }),
      (error: Error) => ({ tag: "error" as const, value: error.message }),
    );
    migrationDirectories.push({ path: entry.name, migrationFile: { path: "migration.sql", content } });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return { baseDir, lockfile: { path: LOCKFILE, content: lockContent }, migrationDirectories, shadowDbInitScript: "" };
}

/** The lockfile Prisma writes next to the migrations. */
export function lockfileContent(provider: string): string {
  return `# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "${provider}"\n`;
}
