/**
 * Clients that stream predictions, labels and reference uploads at a server that may die or lose its database at
 * any moment. A request counts as acknowledged only when it answers 200; everything else (a reset connection, a
 * 503, a timeout) is kept and sent again later, as a real client with a retry queue would.
 */
import { TOKEN } from "./server";

export const MODELS = ["crash-a", "crash-b"];
export const REFERENCE_MODEL = MODELS[0];
const REQUEST_TIMEOUT_MS = 30_000;

export type Outcome = { status: number; ms: number; retryAfter: string | null; error?: string };

/** Every response or failure seen, by status (0: no response: connection refused or reset, or the timeout). */
export class Tally {
  byStatus = new Map<number, number>();
  without503RetryAfter = 0;
  slowest = 0;
  errors: string[] = [];
  add(o: Outcome) {
    this.byStatus.set(o.status, (this.byStatus.get(o.status) ?? 0) + 1);
    if (o.status === 503 && !o.retryAfter) this.without503RetryAfter++;
    this.slowest = Math.max(this.slowest, o.ms);
    if (o.status >= 500 && o.status !== 503 && this.errors.length < 5) this.errors.push(`${o.status}: ${o.error ?? ""}`);
  }
  count(status: number) {
    return this.byStatus.get(status) ?? 0;
  }
  summary() {
    return Object.fromEntries([...this.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => [s === 0 ? "no response" : String(s), n]));
  }
}

/** Requests in flight, by kind ("predictions", "labels", "reference"). */
export const inflight: Record<string, number> = { predictions: 0, labels: 0, reference: 0 };
const kindOf = (path: string) => (path.includes("/reference") ? "reference" : path.includes("/labels") ? "labels" : "predictions");

export async function send(base: string, method: string, path: string, body: string, contentType: string): Promise<Outcome & { json?: unknown }> {
  const t0 = performance.now();
  const kind = kindOf(path);
  inflight[kind]++;
  try {
    const r = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": contentType },
      body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await r.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, ms: performance.now() - t0, retryAfter: r.headers.get("retry-after"), json, error: r.status >= 500 ? text.slice(0, 300) : undefined };
  } catch (err) {
    return { status: 0, ms: performance.now() - t0, retryAfter: null, error: String((err as Error).cause ?? err) };
  } finally {
    inflight[kind]--;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function event(model: string, id: string, i: number, now: number) {
  return {
    id,
    model,
    version: i % 3 ? "v2" : "v1",
    timestamp: new Date(now - ((i * 7919) % 7_200_000)).toISOString(),
    features: { amount: (i * 37) % 500, score: ((i * 13) % 100) / 100, country: ["DE", "FR", "US", "PL"][i % 4] },
    prediction: i % 4 === 0 ? "fraud" : "legit",
    probabilities: i % 4 === 0 ? { fraud: 0.8, legit: 0.2 } : { fraud: 0.1, legit: 0.9 },
    latencyMs: 3 + (i % 40),
    ...(i % 50 === 0 ? { error: { type: "timeout" } } : {}),
  };
}

/** The label a prediction id gets (deterministic, so a check can recompute it). */
export const labelFor = (id: string) => (id.length % 3 === 0 ? "fraud" : "legit");

type Batch = { key: string; ids: { model: string; id: string }[]; body: string };

/** The shared state of one run: what was sent, what was acknowledged. */
export class Run {
  events = new Map<string, Set<string>>(MODELS.map((m) => [m, new Set<string>()])); // every event id ever sent, per model
  ackedEvents = 0;
  labels = new Map<string, { model: string; id: string; actual: string }>(); // every label ever sent
  ackedLabels = new Set<string>();
  /** event batches acknowledged, waiting to be labelled */
  toLabel: { model: string; id: string }[] = [];
  references: { id: bigint; rows: number }[] = []; // acknowledged reference uploads, in order
  tally = new Tally();
  unacked: Batch[] = [];
  /** next batch number per prediction client (and for the label client), across rounds */
  seq = new Map<string, number>();
  next(client: string) {
    const n = this.seq.get(client) ?? 0;
    this.seq.set(client, n + 1);
    return n;
  }
  unackedLabels: Batch[] = [];
}

/** Streams batches of predictions until `stop()`; a batch that was not acknowledged goes back to the queue. */
export async function predictionClient(run: Run, base: () => string, client: number, stop: () => boolean, batchSize = 200) {
  while (!stop()) {
    let batch = run.unacked.shift();
    if (!batch) {
      const seq = run.next(`c${client}`);
      const model = MODELS[seq % MODELS.length];
      const now = Date.now();
      const events = Array.from({ length: batchSize }, (_, i) => event(model, `c${client}-b${seq}-${i}`, seq * batchSize + i, now));
      for (const e of events) run.events.get(model)!.add(e.id);
      batch = { key: `c${client}-b${seq}`, ids: events.map((e) => ({ model, id: e.id })), body: JSON.stringify({ events }) };
    }
    const o = await send(base(), "POST", "/api/v1/predictions", batch.body, "application/json");
    run.tally.add(o);
    if (o.status === 200) {
      const r = o.json as { accepted: number; duplicates: number; rejected: unknown[] };
      if (r.accepted + r.duplicates !== batch.ids.length || r.rejected.length) throw new Error(`batch ${batch.key}: ${JSON.stringify(r)}`);
      run.ackedEvents += batch.ids.length;
      run.toLabel.push(...batch.ids.filter((_, i) => i % 3 === 0));
    } else {
      run.unacked.push(batch);
      await sleep(o.status === 503 ? 200 : 100);
    }
  }
}

/** Labels acknowledged predictions (a third of them) in batches, and some predictions not sent yet (they wait). */
export async function labelClient(run: Run, base: () => string, stop: () => boolean, batchSize = 150) {
  while (!stop()) {
    let batch = run.unackedLabels.shift();
    if (!batch) {
      const seq = run.next("labels");
      const ids = run.toLabel.splice(0, batchSize);
      // a few labels for predictions that do not exist yet: stored pending, joined when (if) they arrive
      for (let i = 0; i < 5; i++) ids.push({ model: MODELS[i % MODELS.length], id: `c0-b${seq + 40}-${i}` });
      const labels = ids.map(({ model, id }) => ({ model, id, actual: labelFor(id) }));
      for (const l of labels) run.labels.set(`${l.model}/${l.id}`, l);
      batch = { key: `l${seq}`, ids, body: JSON.stringify({ labels }) };
    }
    const o = await send(base(), "POST", "/api/v1/labels", batch.body, "application/json");
    run.tally.add(o);
    if (o.status === 200) for (const { model, id } of batch.ids) run.ackedLabels.add(`${model}/${id}`);
    else {
      run.unackedLabels.push(batch);
      await sleep(100);
    }
    await sleep(50);
  }
}

/** Replaces REFERENCE_MODEL's reference again and again with NDJSON uploads of `rows` rows. */
export async function referenceClient(run: Run, base: () => string, stop: () => boolean, rows = 3_000) {
  let n = 0;
  while (!stop()) {
    n++;
    let body = "";
    for (let i = 0; i < rows; i++) {
      const k = i + n;
      body += JSON.stringify({ features: { amount: (k * 31) % 450, score: (k % 90) / 100, country: ["DE", "FR", "US"][k % 3] }, prediction: k % 5 ? "legit" : "fraud" }) + "\n";
    }
    const o = await send(base(), "PUT", `/api/v1/models/${REFERENCE_MODEL}/reference`, body, "application/x-ndjson");
    run.tally.add(o);
    if (o.status === 200) run.references.push({ id: BigInt((o.json as { referenceId: string }).referenceId), rows });
    else await sleep(200);
    await sleep(100);
  }
}

/** Creates the models (retrying until the server answers). */
export async function defineModels(base: string) {
  for (const m of MODELS) {
    const body = JSON.stringify({
      task: "binary_classification",
      classes: ["fraud", "legit"],
      positiveClass: "fraud",
      features: [
        { name: "amount", type: "numerical" },
        { name: "score", type: "numerical" },
        { name: "country", type: "categorical" },
      ],
    });
    const o = await send(base, "PUT", `/api/v1/models/${m}`, body, "application/json");
    if (o.status !== 200 && o.status !== 201) throw new Error(`defining ${m}: ${o.status} ${o.error}`);
  }
}

/** Sends every batch not yet acknowledged until all are (after the last kill, the server stays up). */
export async function drain(run: Run, base: string, deadlineMs = 120_000) {
  const until = Date.now() + deadlineMs;
  while ((run.unacked.length || run.unackedLabels.length) && Date.now() < until) {
    const batch = run.unacked.shift();
    if (batch) {
      const o = await send(base, "POST", "/api/v1/predictions", batch.body, "application/json");
      run.tally.add(o);
      if (o.status === 200) {
        run.ackedEvents += batch.ids.length;
      } else run.unacked.push(batch);
    }
    const lb = run.unackedLabels.shift();
    if (lb) {
      const o = await send(base, "POST", "/api/v1/labels", lb.body, "application/json");
      run.tally.add(o);
      if (o.status === 200) for (const { model, id } of lb.ids) run.ackedLabels.add(`${model}/${id}`);
      else run.unackedLabels.push(lb);
    }
  }
  if (run.unacked.length || run.unackedLabels.length) throw new Error(`${run.unacked.length} event and ${run.unackedLabels.length} label batches never acknowledged`);
}
