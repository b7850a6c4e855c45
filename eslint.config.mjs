// Lint: Next.js's rules, typescript-eslint, and the import boundaries that keep the layout honest. `npm test`
// runs it; tests/lint.test.ts checks that a boundary crossing fails it.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/** The database client, the generated Prisma client and the drivers. */
const DATABASE = ["./lib/db", "./lib/generated", "./node_modules/pg", "./node_modules/@electric-sql", "./node_modules/@prisma"];

/**
 * Who may import what (eslint-plugin-import `no-restricted-paths`; paths from the project root, `target` is the
 * importing file, `from` what it imports).
 */
export const BOUNDARIES = [
  {
    target: ["./app/**", "./components/**"],
    from: DATABASE,
    message: "Pages and route handlers reach the database only through lib/ (a query or a verb), never the client.",
  },
  {
    target: "./components/**",
    from: "./lib/queries",
    message: "Components are presentational: their data comes in as props from a page that ran the query.",
  },
  {
    target: "./lib/stats/**",
    from: "./",
    except: ["./lib/stats", "./node_modules"],
    message: "lib/stats is pure statistics and imports nothing of the project outside itself.",
  },
  {
    target: "./lib/domain/**",
    from: "./",
    except: ["./lib/domain", "./node_modules"],
    message: "lib/domain is the shared vocabulary: every folder may import it, so it imports none of them.",
  },
  {
    target: ["./lib/!(ingest)/**", "./lib/*.ts", "./app/!(api)/**", "./components/**"],
    from: "./lib/ingest",
    message: "lib/ingest is the write path, not a library: shared vocabulary lives in lib/domain, body parsing in lib/http.",
  },
  {
    target: ["./lib/rollups/*.ts", "./lib/drift/**", "./lib/quality/**", "./lib/status/**", "./lib/models/references/profile.ts", "./lib/alerts/notify/{payloads,matchers,types,validation}.ts", "./lib/alerts/slo/{objectives,windows,validation}.ts", "./lib/alerts/evaluate/{state,values,windows,sloAlerts}.ts"],
    from: [...DATABASE, "./lib/rollups/store"],
    message: "Pure code (rollup counting and summaries, drift, quality, status rules, profiles, notification payloads and matchers, SLO arithmetic, the alert state machine and rule values) does no I/O: fetch, then compute.",
  },
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([".next/**", ".data/**", "lib/generated/**", "test-results/**", "playwright-report/**", "bench/results/**", "next-env.d.ts"]),
  {
    rules: {
      "import/no-restricted-paths": ["error", { zones: BOUNDARIES }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
    },
  },
]);
