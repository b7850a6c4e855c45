/** The checks after a run: every acknowledged write stored exactly once, rollups equal to a recount. */
import { expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { labelFor, MODELS, type Run } from "./load";
import type { Inspection } from "./inspect";

const root = path.resolve(__dirname, "..", "..");

/** Where the app's data is: a PostgreSQL URL, or the embedded database's data directory. */
export type Store = { databaseUrl: string } | { dataDir: string };

/** What is stored for `models`, read by e2e/durability/inspect.ts in a child process. */
export function inspect(store: Store, models: string[]): Inspection {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DRIFTWATCH_DATA_DIR;
  if ("databaseUrl" in store) env.DATABASE_URL = store.databaseUrl;
  else env.DRIFTWATCH_DATA_DIR = store.dataDir;
  const out = execFileSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "e2e/durability/inspect.ts", ...models], {
    cwd: root,
    env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

export type Verdict = {
  events: { model: string; sent: number; stored: number; missing: number; unexpected: number }[];
  labels: { sent: number; stored: number; missing: number; wrong: number };
  references: { ready: number; notReady: number; currentId: string | null; lastAcknowledged: string | null; rowsMatch: boolean };
  rollups: Record<string, { differences: string[]; rows: number }>;
};

/**
 * After `drain` (every batch acknowledged), the store holds exactly the events and labels that were sent, each
 * once; the reference model has one ready reference, at least as new as the last acknowledged upload, whole.
 */
export function verify(store: Store, run: Run): Verdict {
  const found = inspect(store, MODELS);
  const events: Verdict["events"] = MODELS.map((model) => {
    const sent = run.events.get(model)!;
    const ids = found.events[model] ?? [];
    const stored = new Set(ids);
    return {
      model,
      sent: sent.size,
      stored: ids.length,
      missing: [...sent].filter((id) => !stored.has(id)).length,
      unexpected: [...stored].filter((id) => !sent.has(id)).length,
    };
  });
  const labels = new Map(found.labels.map((l) => [`${l.model_id}/${l.prediction_id}`, l.actual]));
  let missing = 0;
  let wrong = 0;
  for (const [key, l] of run.labels) {
    if (!labels.has(key)) missing++;
    else if (labels.get(key) !== labelFor(l.id)) wrong++;
  }
  const ready = found.sets.filter((s) => s.status === "ready");
  const last = run.references.at(-1);
  return {
    events,
    labels: { sent: run.labels.size, stored: found.labels.length, missing, wrong },
    references: {
      ready: ready.length,
      notReady: found.sets.length - ready.length,
      currentId: ready.at(-1)?.id ?? null,
      lastAcknowledged: last ? String(last.id) : null,
      rowsMatch: ready.every((s) => s.row_count === s.rows),
    },
    rollups: found.rollups,
  };
}

/** Fails the test unless every write is stored exactly once, the reference is whole, and rollups equal a recount. */
export function expectIntact(verdict: Verdict) {
  for (const e of verdict.events) {
    expect(e.missing, `${e.model}: acknowledged events missing`).toBe(0);
    expect(e.unexpected, `${e.model}: events never sent`).toBe(0);
    expect(e.stored).toBe(e.sent);
  }
  expect(verdict.labels.missing).toBe(0);
  expect(verdict.labels.wrong).toBe(0);
  expect(verdict.labels.stored).toBe(verdict.labels.sent);
  expect(verdict.references.ready, "one current reference").toBe(1);
  expect(verdict.references.rowsMatch).toBe(true);
  expect(BigInt(verdict.references.currentId!) >= BigInt(verdict.references.lastAcknowledged ?? "0")).toBe(true);
  for (const [model, r] of Object.entries(verdict.rollups)) {
    expect(r.differences, `${model}: rollups differ from a recount`).toEqual([]);
    expect(r.rows).toBeGreaterThan(0);
  }
}
