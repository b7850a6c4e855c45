/**
 * Crash safety (issue #15): the server is killed with SIGKILL — the whole process group, or one cluster worker
 * alone — while several clients stream prediction batches, labels and reference uploads; clients resend whatever
 * was not acknowledged. Afterwards every event and label is stored exactly once, the reference is whole, and the
 * rollups equal a recount from the raw rows. Runs on a private PostgreSQL cluster (initdb in /tmp), so nothing
 * else on the machine is touched.
 */
import { expect, test } from "@playwright/test";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { AppServer } from "./durability/server";
import { freePort, PrivateCluster } from "./durability/postgres";
import { defineModels, drain, inflight, labelClient, predictionClient, referenceClient, Run } from "./durability/load";
import { expectIntact, verify } from "./durability/verify";

const KILLS_PER_POINT = Number(process.env.DRIFTWATCH_CRASH_ROUNDS) || 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.describe.configure({ mode: "serial" });

let cluster: PrivateCluster;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = await PrivateCluster.create();
});
test.afterAll(() => cluster?.destroy());

/** Waits (up to `ms`) until a request of every kind is in flight, so the kill lands in the middle of all three. */
async function allInFlight(ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (inflight.predictions > 0 && inflight.labels > 0 && inflight.reference > 0) return true;
    await sleep(5);
  }
  return false;
}

test("SIGKILL of the whole server or of one worker mid-stream loses and doubles nothing acknowledged", async () => {
  test.setTimeout(15 * 60_000);
  const server = new AppServer({ port: await freePort(), databaseUrl: cluster.url(), workers: 2 });
  await server.start();
  await defineModels(server.url);
  const run = new Run();
  const kills: { kind: string; inFlight: typeof inflight; restartMs: number }[] = [];
  const points = Array.from({ length: KILLS_PER_POINT }, () => ["group", "worker"]).flat();
  try {
    for (const kind of points) {
      let stopped = false;
      const stop = () => stopped;
      const base = () => server.url;
      const clients = [
        predictionClient(run, base, 0, stop),
        predictionClient(run, base, 1, stop),
        predictionClient(run, base, 2, stop),
        labelClient(run, base, stop),
        referenceClient(run, base, stop),
      ];
      await sleep(300 + Math.random() * 1200);
      const all = await allInFlight(10_000);
      await sleep(Math.random() * 50);
      const snapshot = { ...inflight };
      const t0 = Date.now();
      if (kind === "group") {
        await server.killGroup();
        await server.start();
      } else {
        const workers = server.workers();
        expect(workers.length).toBe(2);
        const victim = workers[Math.floor(Math.random() * workers.length)];
        process.kill(victim, "SIGKILL");
        // the supervisor replaces it; wait for a full set of workers serving again
        for (let i = 0; i < 600 && (server.workers().includes(victim) || server.workers().length < 2); i++) await sleep(100);
        while ((await server.health()) !== 200) await sleep(100);
      }
      kills.push({ kind, inFlight: snapshot, restartMs: Date.now() - t0 });
      expect(all, `${kind} kill: a prediction, a label and a reference request in flight`).toBe(true);
      await sleep(500);
      stopped = true;
      await Promise.all(clients);
    }
    await drain(run, server.url);
    const verdict = verify({ databaseUrl: cluster.url() }, run);
    console.log(
      "crash run:",
      JSON.stringify({
        kills: kills.map((k) => `${k.kind} p${k.inFlight.predictions}/l${k.inFlight.labels}/r${k.inFlight.reference} serving again in ${k.restartMs} ms`),
        responses: run.tally.summary(),
        slowestMs: Math.round(run.tally.slowest),
        ackedEvents: run.ackedEvents,
        referencesAcknowledged: run.references.length,
        verdict: { ...verdict, rollups: Object.fromEntries(Object.entries(verdict.rollups).map(([m, r]) => [m, `${r.rows} rows, ${r.differences.length} differences`])) },
      }),
    );
    expectIntact(verdict);
    // A killed server answers nothing (connections reset or refused), never an error status.
    expect(run.tally.errors, "5xx responses").toEqual([]);
    expect(kills.filter((k) => k.kind === "group").length).toBeGreaterThanOrEqual(KILLS_PER_POINT);
    expect(kills.filter((k) => k.kind === "worker").length).toBeGreaterThanOrEqual(KILLS_PER_POINT);
  } finally {
    await server.stop();
  }
});

test("SIGKILL of the server on the embedded database mid-stream: .data/ opens at the next start, nothing acknowledged lost or doubled", async () => {
  test.setTimeout(15 * 60_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-crash-"));
  const server = new AppServer({ port: await freePort(), dataDir });
  const run = new Run();
  const kills: string[] = [];
  try {
    await server.start();
    await defineModels(server.url);
    for (let k = 0; k < KILLS_PER_POINT; k++) {
      let stopped = false;
      const stop = () => stopped;
      const base = () => server.url;
      const clients = [predictionClient(run, base, 0, stop), predictionClient(run, base, 1, stop), labelClient(run, base, stop), referenceClient(run, base, stop)];
      await sleep(300 + Math.random() * 1200);
      const all = await allInFlight(20_000);
      await sleep(Math.random() * 50);
      const snapshot = { ...inflight };
      const t0 = Date.now();
      await server.killGroup();
      // the lock file of the killed process is left behind: the next start takes it over
      expect(fs.existsSync(path.join(dataDir, "driftwatch.lock"))).toBe(true);
      await server.start();
      kills.push(`p${snapshot.predictions}/l${snapshot.labels}/r${snapshot.reference} serving again in ${Date.now() - t0} ms`);
      expect(all, "a prediction, a label and a reference request in flight").toBe(true);
      await sleep(500);
      stopped = true;
      await Promise.all(clients);
    }
    await drain(run, server.url);
    // and killed once more: what was acknowledged must be in the directory without a clean shutdown
    await server.killGroup();
    const verdict = verify({ dataDir }, run);
    console.log(
      "embedded crash run:",
      JSON.stringify({ kills, responses: run.tally.summary(), verdict: { ...verdict, rollups: Object.fromEntries(Object.entries(verdict.rollups).map(([m, r]) => [m, `${r.rows} rows, ${r.differences.length} differences`])) } }),
    );
    expectIntact(verdict);
    expect(run.tally.errors, "5xx responses").toEqual([]);
    expect(kills.length).toBeGreaterThanOrEqual(KILLS_PER_POINT);
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
