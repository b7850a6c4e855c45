import { expect, test } from "@playwright/test";
import fs from "node:fs";
import http from "node:http";
import { E2E_ADMIN_TOKEN } from "./env";

/**
 * The server under the attacks a hostile client with a key can make (issue #16): a 500 MB JSON and a 500 MB
 * NDJSON reference upload, a flood of new feature names, and eight concurrent raw-value drift reads over 60
 * windows of a 300k-event model. Throughout each, a watcher checks that every server process stays under
 * 1.5 GB resident, that /api/health answers in under a second, and that an ordinary 1,000-event batch of another
 * model is stored in under 2 s.
 */

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ timeout: 600_000 });

const HOUR = 3600_000;
const GB = 1024 ** 3;
const MB = 1024 ** 2;
const auth = { authorization: `Bearer ${E2E_ADMIN_TOKEN}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident memory (bytes) of every process serving the app's port (the server and its workers). */
function serverRss(port: number): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (!env.includes(`PORT=${port}`) || !env.some((e) => e.startsWith("DRIFTWATCH_DATA_DIR="))) continue;
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      if (kb > 0) out.push(kb * 1024);
    } catch {
      // a process that ended meanwhile, or one we may not read
    }
  }
  return out;
}

type Watch = { healthMs: number[]; healthFailures: number; maxRss: number; processes: number; batchMs: number[] };

/** Watches the server while `attack` runs: health every 200 ms, RSS every 200 ms, a 1,000-event batch every 2 s. */
async function underAttack(baseURL: string, name: string, attack: () => Promise<void>): Promise<Watch> {
  const port = Number(new URL(baseURL).port);
  const w: Watch = { healthMs: [], healthFailures: 0, maxRss: 0, processes: 0, batchMs: [] };
  let done = false;
  const healthLoop = (async () => {
    while (!done) {
      const t = performance.now();
      try {
        const res = await fetch(`${baseURL}/api/health`, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) w.healthFailures++;
        await res.arrayBuffer();
      } catch {
        w.healthFailures++;
      }
      w.healthMs.push(performance.now() - t);
      const rss = serverRss(port);
      w.processes = Math.max(w.processes, rss.length);
      w.maxRss = Math.max(w.maxRss, ...rss);
      await sleep(200);
    }
  })();
  let n = 0;
  const batchLoop = (async () => {
    while (!done) {
      const model = `bystander-${name.toLowerCase()}`;
      const base = Date.now() - HOUR;
      const events = Array.from({ length: 1000 }, (_, i) => ({
        id: `${name}-${n}-${i}`,
        model,
        timestamp: new Date(base + i).toISOString(),
        features: { amount: i % 97, country: i % 2 ? "DE" : "FR" },
        prediction: i % 3 ? "ok" : "fraud",
      }));
      n++;
      const t = performance.now();
      const res = await fetch(`${baseURL}/api/v1/predictions`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(events),
      });
      const body = (await res.json()) as { accepted?: number };
      w.batchMs.push(performance.now() - t);
      expect(res.status, `bystander batch during ${name}`).toBe(200);
      expect(body.accepted).toBe(1000);
      await sleep(2000);
    }
  })();
  try {
    await attack();
  } finally {
    done = true;
    await Promise.all([healthLoop, batchLoop]);
  }
  const sorted = [...w.healthMs].sort((a, b) => a - b);
  console.log(
    `${name}: health max ${Math.round(sorted.at(-1) ?? 0)} ms, p50 ${Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0)} ms over ${sorted.length}; ` +
      `batches ${w.batchMs.map((x) => Math.round(x)).join(", ")} ms; max RSS ${(w.maxRss / MB).toFixed(0)} MB over ${w.processes} processes`,
  );
  return w;
}

/**
 * The bar: up, under 1.5 GB, health under 1 s, a 1,000-event batch under 2 s (`latency: false` would check
 * only that the server stays up and bounded). The eight raw-value drift reads meet it since their statistics run on
 * worker threads (lib/queries/driftThreads.ts), which took the event loop's p99 stall per read from ~100–165 ms to
 * ~15 ms.
 */
function expectHeld(w: Watch, { latency = true } = {}) {
  expect(w.processes, "the server processes were found").toBeGreaterThan(0);
  expect(w.healthFailures, "health failures").toBe(0);
  expect(w.maxRss, "largest RSS of a server process").toBeLessThan(1.5 * GB);
  expect(w.batchMs.length, "bystander batches sent").toBeGreaterThan(0);
  if (!latency) return;
  expect(Math.max(...w.healthMs), "slowest /api/health (ms)").toBeLessThan(1000);
  expect(Math.max(...w.batchMs), "slowest bystander batch (ms)").toBeLessThan(2000);
}

/** Streams `total` bytes produced by `chunk(i)` as a request body (chunked: no length announced), resolving with the answer. */
function streamUpload(url: string, contentType: string, total: number, chunk: (i: number) => Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "PUT", headers: { ...auth, "content-type": contentType } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    let answered = false;
    req.on("response", () => (answered = true));
    req.on("error", (err) => (answered ? undefined : reject(err)));
    let sent = 0;
    let i = 0;
    const write = () => {
      while (sent < total && !answered) {
        const c = chunk(i++);
        sent += c.length;
        if (!req.write(c)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

test("the server holds under hostile uploads, name floods and heavy drift reads", async ({ request, baseURL }) => {
  const base = baseURL!;
  const victim = `victim-${Date.now().toString(36)}`;
  const features = Array.from({ length: 10 }, (_, k) => ({ name: `f${k}`, type: k < 7 ? "numerical" : "categorical" }));
  expect((await request.put(`/api/v1/models/${victim}`, { headers: auth, data: { task: "binary_classification", features } })).ok()).toBe(true);

  // Every server process serves the health check and an ingest batch once before the clock starts (concurrent
  // requests open several connections, which the cluster spreads over the processes): the first request of a route
  // in a process loads its code, which is start-up, not the attack's doing.
  await Promise.all(
    Array.from({ length: 8 }, async (_, k) => {
      expect((await fetch(`${base}/api/health`)).ok).toBe(true);
      const warm = [{ id: `warm-${k}`, model: "bystander-warm-up", features: { amount: 1, country: "DE" }, prediction: "ok" }];
      const res = await fetch(`${base}/api/v1/predictions`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(warm) });
      expect(res.ok).toBe(true);
    }),
  );

  // 1. 500 MB JSON reference, streamed without a length: refused at the JSON limit, never buffered whole.
  const jsonRow = Buffer.from(JSON.stringify({ features: { f0: 1.5, f7: "a" }, prediction: "a" }) + ",");
  const jsonChunk = Buffer.from('{"rows":[');
  const rowsChunk = Buffer.concat(Array.from({ length: Math.ceil(MB / jsonRow.length) }, () => jsonRow));
  let jsonAnswer = { status: 0, body: "" };
  expectHeld(
    await underAttack(base, "json-500MB", async () => {
      jsonAnswer = await streamUpload(`${base}/api/v1/models/${victim}/reference`, "application/json", 500 * MB, (i) => (i === 0 ? jsonChunk : rowsChunk));
    }),
  );
  expect(jsonAnswer.status).toBe(413);

  // 2. 500 MB NDJSON reference: 1 KB lines that are not JSON, one valid row in 100, and 8 MB lines with no newline.
  const junk = Buffer.from("x".repeat(1023) + "\n");
  const valid = (i: number) => Buffer.from(JSON.stringify({ features: { f0: i % 100, f1: (i * 7) % 13, f7: `c${i % 5}` }, prediction: "a" }) + "\n");
  const longLine = Buffer.alloc(8 * MB, 0x61);
  let ndjsonAnswer = { status: 0, body: "" };
  expectHeld(
    await underAttack(base, "ndjson-500MB", async () => {
      ndjsonAnswer = await streamUpload(`${base}/api/v1/models/${victim}/reference`, "application/x-ndjson", 500 * MB, (i) => {
        if (i % 200 === 199) return Buffer.concat([longLine, Buffer.from("\n")]);
        return Buffer.concat([...Array.from({ length: 99 }, () => junk), valid(i)]);
      });
    }),
  );
  expect(ndjsonAnswer.status).toBe(200);
  const stored = JSON.parse(ndjsonAnswer.body) as { rows: number; rejectedCount: number };
  expect(stored.rows).toBeGreaterThan(3000); // one valid row per 100 KB chunk
  expect(stored.rejectedCount).toBeGreaterThan(300_000);

  // 3. A flood of new feature names: 40 requests of 10 events with 1,000 new names each.
  const flood = `flood-${Date.now().toString(36)}`;
  expectHeld(
    await underAttack(base, "name-flood", async () => {
      for (let r = 0; r < 40; r++) {
        const events = Array.from({ length: 10 }, (_, e) => ({
          id: `fl-${r}-${e}`,
          model: flood,
          features: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`r${r}e${e}n${i}`, i])),
          prediction: "a",
        }));
        const res = await request.post("/api/v1/predictions", { headers: auth, data: events });
        expect(res.status()).toBe(200);
      }
    }),
  );
  const floodModel = (await (await request.get(`/api/v1/models/${flood}`, { headers: auth })).json()) as { features: unknown[] };
  expect(floodModel.features.length).toBeLessThanOrEqual(500);
  const day = { from: new Date(Date.now() - 24 * HOUR).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
  const q = await request.get(`/api/v1/models/${flood}/quality?from=${day.from}&to=${day.to}`, { headers: auth, timeout: 10_000 });
  expect(q.status()).toBe(200);

  // 4. Eight concurrent raw-value drift reads over 60 hourly windows of a 300k-event model.
  const start = Math.floor(Date.now() / HOUR) * HOUR - 61 * HOUR;
  for (let b = 0; b < 30; b++) {
    const events = Array.from({ length: 10_000 }, (_, i) => {
      const k = b * 10_000 + i;
      return {
        id: `v-${k}`,
        model: victim,
        timestamp: new Date(start + Math.floor((k / 300_000) * 60 * HOUR)).toISOString(),
        features: Object.fromEntries(features.map((f, j) => [f.name, f.type === "numerical" ? ((k * (j + 3)) % 1000) / 10 : `c${(k + j) % 6}`])),
        prediction: k % 4 ? "a" : "b",
      };
    });
    const res = await request.post("/api/v1/predictions", { headers: auth, data: events, timeout: 60_000 });
    expect(res.status()).toBe(200);
  }
  const refRows = Array.from({ length: 5000 }, (_, k) => ({
    features: Object.fromEntries(features.map((f, j) => [f.name, f.type === "numerical" ? ((k * (j + 5)) % 1000) / 10 : `c${(k + 2 * j) % 6}`])),
    prediction: k % 4 ? "a" : "b",
  }));
  const ref = await request.put(`/api/v1/models/${victim}/reference`, { headers: auth, data: { rows: refRows }, timeout: 120_000 });
  expect(ref.status()).toBe(200);
  const from = new Date(start).toISOString();
  const to = new Date(start + 60 * HOUR).toISOString();
  // Likewise each process serves one small raw-value read first: it loads the drift route and starts the process's
  // drift thread (lib/queries/driftThreads.ts).
  const hour = `from=${from}&to=${new Date(start + HOUR).toISOString()}&window=single&methods=ks`;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      const res = await fetch(`${base}/api/v1/models/${victim}/drift?${hour}`, { headers: auth });
      expect([200, 503]).toContain(res.status);
    }),
  );
  const statuses: number[] = [];
  expectHeld(
    await underAttack(base, "drift-8x60", async () => {
      const reads = Array.from({ length: 8 }, () =>
        request.get(`/api/v1/models/${victim}/drift?from=${from}&to=${to}&step=1h&methods=ks,wasserstein,evidently`, { headers: auth, timeout: 300_000 }),
      );
      for (const res of await Promise.all(reads)) statuses.push(res.status());
    }),
  );
  // each read is served, or refused with 503 + Retry-After when the heavy-read queue is full: never a 5xx of another kind
  expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
  expect(statuses).toContain(200);
});
