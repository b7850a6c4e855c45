/**
 * Database outages (issue #15): the app's PostgreSQL — a private cluster initdb'd for this file — is restarted
 * (cleanly, and as after a crash) and stopped for 30 s while clients stream predictions, labels and reference
 * uploads. The health endpoint turns 503 and back to 200; clients get 503 with Retry-After, never another 5xx and
 * never a hang; the app recovers on its own (same worker processes); nothing acknowledged is lost or doubled.
 */
import { expect, test } from "@playwright/test";
import { AppServer } from "./durability/server";
import { freePort, PrivateCluster } from "./durability/postgres";
import { defineModels, drain, labelClient, predictionClient, referenceClient, Run } from "./durability/load";
import { expectIntact, verify } from "./durability/verify";

const ROUNDS = Number(process.env.DRIFTWATCH_CRASH_ROUNDS) || 5;
const OUTAGE_SECONDS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.describe.configure({ mode: "serial" });

let cluster: PrivateCluster;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  cluster = await PrivateCluster.create();
});
test.afterAll(() => cluster?.destroy());

/** Polls /api/health until it answers `status` (with Retry-After on a 503); returns how long that took. */
async function healthBecomes(server: AppServer, status: number, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const r = await fetch(`${server.url}/api/health`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
    if (r) {
      await r.arrayBuffer();
      if (r.status === status) {
        if (status === 503) expect(r.headers.get("retry-after")).toMatch(/^\d+$/);
        return Date.now() - t0;
      }
    }
    await sleep(50);
  }
  throw new Error(`/api/health did not answer ${status} within ${timeoutMs} ms`);
}

test("PostgreSQL restarted and stopped under load: 503 with Retry-After, recovery without a restart, nothing lost", async () => {
  test.setTimeout(10 * 60_000);
  const server = new AppServer({ port: await freePort(), databaseUrl: cluster.url(), workers: 2 });
  await server.start();
  const workers = server.workers().sort();
  await defineModels(server.url);
  const run = new Run();
  const outages = [
    ...Array.from({ length: ROUNDS }, () => ({ mode: "fast" as const, seconds: 0 })),
    ...Array.from({ length: ROUNDS }, () => ({ mode: "immediate" as const, seconds: 0 })),
    { mode: "fast" as const, seconds: OUTAGE_SECONDS },
  ];
  const log: string[] = [];
  try {
    for (const outage of outages) {
      let stopped = false;
      const stop = () => stopped;
      const base = () => server.url;
      const clients = [predictionClient(run, base, 0, stop), predictionClient(run, base, 1, stop), labelClient(run, base, stop), referenceClient(run, base, stop)];
      await sleep(500 + Math.random() * 1000);
      const acked = run.ackedEvents;
      cluster.stop(outage.mode);
      const down = await healthBecomes(server, 503, 30_000);
      if (outage.seconds) {
        await sleep(outage.seconds * 1000);
        // still down, still answering
        expect(await server.health()).toBe(503);
      }
      const t0 = Date.now();
      cluster.start();
      const up = await healthBecomes(server, 200, 60_000);
      // writes go through again
      const until = Date.now() + 30_000;
      while (run.ackedEvents === acked && Date.now() < until) await sleep(50);
      log.push(`${outage.mode}${outage.seconds ? ` ${outage.seconds} s` : ""}: health 503 after ${down} ms, 200 ${up} ms after start, writes ${Date.now() - t0} ms`);
      stopped = true;
      await Promise.all(clients);
    }
    await drain(run, server.url);
    const verdict = verify({ databaseUrl: cluster.url() }, run);
    console.log("outage run:", JSON.stringify({ outages: log, responses: run.tally.summary(), slowestMs: Math.round(run.tally.slowest), ackedEvents: run.ackedEvents, verdict: { ...verdict, rollups: Object.keys(verdict.rollups) } }));
    expectIntact(verdict);
    // Only 200 and 503 (with Retry-After); the server never stopped answering and nothing waited for a timeout.
    expect([...run.tally.byStatus.keys()].sort()).toEqual([200, 503]);
    expect(run.tally.without503RetryAfter).toBe(0);
    expect(run.tally.slowest).toBeLessThan(20_000);
    // recovered by itself: the same worker processes serve as before the first outage
    expect(server.workers().sort()).toEqual(workers);
    expect(server.log).not.toMatch(/exited/);
  } finally {
    await server.stop();
  }
});
