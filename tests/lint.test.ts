import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/*
 * The import boundaries of eslint.config.mjs, shown failing: each case lints a file that does not exist at a path
 * inside the project, so the rule sees the importer's real folder.
 */
const root = path.resolve(__dirname, "..");
const eslint = new ESLint({ cwd: root });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === "import/no-restricted-paths").map((m) => m.message);
}

describe("import boundaries", () => {
  it.each([
    ["app/api/v1/example/route.ts", 'import { getDb } from "@/lib/db/client";\nexport const GET = () => getDb();\n', /never the client/],
    ["app/(dashboard)/example/page.tsx", 'import { Prisma } from "@/lib/generated/prisma/client";\nexport default function P() { return String(Prisma); }\n', /never the client/],
    ["components/Example.tsx", 'import { listModels } from "@/lib/queries/listModels";\nexport const x = listModels;\n', /presentational/],
    ["lib/stats/example.ts", 'import { config } from "../config";\nexport const x = config;\n', /pure statistics/],
    ["lib/domain/example.ts", 'import { RollupBatch } from "../rollups/batch";\nexport const x = RollupBatch;\n', /shared vocabulary/],
    ["lib/queries/example.ts", 'import { predictionEvent } from "../ingest/schemas";\nexport const x = predictionEvent;\n', /write path, not a library/],
    ["lib/rollups/example.ts", 'import { rawQuery } from "../db/client";\nexport const x = rawQuery;\n', /fetch, then compute/],
  ])("%s may not import that", async (file, code, message) => {
    const errors = await boundaryErrors(file, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
  });

  it.each([
    ["app/api/v1/example/route.ts", 'import { getModel } from "@/lib/queries/getModel";\nexport const GET = () => getModel("m");\n'],
    ["lib/queries/example.ts", 'import { getDb } from "../db/client";\nimport { modelId } from "../domain/ids";\nexport const x = [getDb, modelId];\n'],
    ["lib/stats/example.ts", 'import { quantile } from "./quantile";\nexport const x = quantile;\n'],
  ])("%s may import that", async (file, code) => {
    expect(await boundaryErrors(file, code)).toEqual([]);
  });
});
