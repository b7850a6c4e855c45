/**
 * One of bench/soak's writer processes (run.ts forks it; not run by hand). It posts prediction batches at a paced
 * rate, and labels for a share of them later, as a service and its label pipeline would:
 *
 * - a batch every `batch / rate` seconds on a fixed schedule (it never sends faster to catch up than the
 *   schedule, and at most `maxInFlight` batches are outstanding; how far it fell behind is reported), each batch
 *   one model's (round-robin), with bench/read's 20-feature events, a segment, ~1 % failed predictions, time-ordered
 *   ids, and version v2 rolled out at `deployAt`;
 * - labels for ~30 % of the successful predictions: most 2–20 s after their prediction was acknowledged, 10 % late (1–3 minutes),
 *   2 % before their prediction (generated 2 s ahead, sent at once: they wait in the labels table for their
 *   prediction), and 0.5 % corrected 10–30 s later by a newer, different label;
 * - retries that must change nothing: 1 % of acknowledged prediction batches sent again whole (every event must
 *   come back a duplicate), 1 % of batches that repeat 50 events of the model's last acknowledged batch (only the
 *   new ones may count), 3 % of acknowledged label batches sent again.
 *
 * A request that fails (any status but 200, a timeout, a dropped connection) is counted and sent again after
 * its Retry-After (else 1 s), as a client must, so every event is acknowledged in the end and the parent can check
 * that the database holds exactly what was acknowledged. Request samples go to the parent every 2 s; the tally at
 * the end. Configuration comes in SOAK_WRITER (JSON).
 */
import { eventId, makeEnvelope, makeFeatures, makeOutcome, type ModelSpec, Rng } from "../read/generate";
import { request, type Sample, STALE_SOCKET, type WriterMessage, type WriterTally } from "./wire";

export type WriterConfig = {
  writer: number;
  writers: number;
  base: string;
  token: string;
  /** events per second of this writer, and events per batch */
  rate: number;
  batch: number;
  maxInFlight: number;
  models: ModelSpec[];
  seed: number;
};
export type StartMessage = { type: "start"; startAt: number; endAt: number; deployAt: number };

const LOOKAHEAD_MS = 2000;
const LABEL_SHARE = 0.3;
const LABEL_FLUSH_MS = 500;
const MAX_LABELS_PER_REQUEST = 5000;

const cfg = JSON.parse(process.env.SOAK_WRITER ?? "null") as WriterConfig;
if (!cfg) throw new Error("bench/soak/writer.ts is started by bench/soak/run.ts (SOAK_WRITER is not set)");
const send = (m: WriterMessage, cb: () => void = () => {}) => process.send!(m, undefined, undefined, cb);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
const rng = new Rng(cfg.seed * 7919 + cfg.writer);
const between = (lo: number, hi: number) => lo + rng.next() * (hi - lo);

type Event = Record<string, unknown> & { id: string; model: string };
type Label = { model: string; id: string; actual: string | number; correction: boolean };
/** `labels`: the batch's labels and how long after its acknowledgement each is due */
type Batch = { k: number; due: number; model: string; events: Event[]; overlap: number; labels: { label: Label; delay: number }[] };

const tally: WriterTally = {
  writer: cfg.writer,
  uniqueEvents: 0,
  acceptedByModel: {},
  duplicates: 0,
  expectedDuplicates: 0,
  resentBatches: 0,
  overlapBatches: 0,
  uniqueLabelsByModel: {},
  labelsAccepted: 0,
  labelsUpdated: 0,
  labelsDuplicates: 0,
  labelsPending: 0,
  corrections: 0,
  expectedLabelDuplicates: 0,
  earlyLabels: 0,
  violations: [],
  maxLagMs: 0,
  finalLagMs: 0,
  firstSendAt: 0,
  lastAckAt: 0,
  drainedLabels: 0,
  skippedEvents: 0,
  lateBatches: 0,
};
for (const m of cfg.models) {
  tally.acceptedByModel[m.id] = 0;
  tally.uniqueLabelsByModel[m.id] = 0;
}

let samples: Sample[] = [];
const headers = { authorization: `Bearer ${cfg.token}`, "content-type": "application/json" };
const violation = (s: string) => {
  if (tally.violations.length < 20) tally.violations.push(`writer ${cfg.writer}: ${s}`);
};

/**
 * POSTs `body` until the server answers 200, counting every answer; returns the parsed 200 body and whether an
 * earlier attempt may have been applied (no response, or a 5xx after which the client cannot know).
 */
async function post(path: string, kind: string, body: Buffer): Promise<{ json: Record<string, number>; uncertain: boolean }> {
  let uncertain = false;
  for (;;) {
    const r = await request(cfg.base + path, { method: "POST", headers, body, timeoutMs: 60_000 });
    if (r.status === 200) {
      const json = JSON.parse(r.body) as Record<string, number>;
      samples.push({ kind, at: r.at, ms: r.ms, status: r.status, events: path.endsWith("predictions") ? json.accepted : 0 });
      tally.lastAckAt = Date.now();
      return { json, uncertain };
    }
    samples.push({ kind, at: r.at, ms: r.ms, status: r.status, events: 0, detail: r.detail ?? r.body.slice(0, 200) });
    if (r.status < 0 || r.status >= 500) uncertain = true;
    // a stale keep-alive socket is retried at once (Node's documented client pattern); anything else after Retry-After or 1 s
    if (r.detail?.endsWith(STALE_SOCKET)) continue;
    const retryAfter = Number(r.headers["retry-after"]);
    await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Labels: a queue by due time, flushed every LABEL_FLUSH_MS; resends of acknowledged label batches.

const labelQueue = new Map<number, Label[]>(); // slot (due / LABEL_FLUSH_MS) → labels
const labelResends: { due: number; body: Buffer; n: number }[] = [];
const dueSlot = (due: number) => Math.floor(due / LABEL_FLUSH_MS);
function queueLabel(l: Label, due: number) {
  const s = dueSlot(due);
  const list = labelQueue.get(s);
  if (list) list.push(l);
  else labelQueue.set(s, [l]);
}
const labelsQueued = () => {
  let n = 0;
  for (const l of labelQueue.values()) n += l.length;
  return n;
};

async function sendLabels(model: string, labels: Label[], draining: boolean) {
  const ts = new Date().toISOString();
  const body = Buffer.from(JSON.stringify({ labels: labels.map((l) => ({ model, id: l.id, actual: l.actual, timestamp: ts })) }));
  const { json, uncertain } = await post("/api/v1/labels", "labels", body);
  const corrections = labels.filter((l) => l.correction).length;
  tally.labelsAccepted += json.accepted;
  tally.labelsUpdated += json.updated;
  tally.labelsDuplicates += json.duplicates;
  tally.labelsPending += json.pending;
  tally.corrections += corrections;
  tally.uniqueLabelsByModel[model] += labels.length - corrections;
  if (!uncertain && (json.accepted !== labels.length || json.updated !== corrections)) {
    violation(`a label batch of ${labels.length} (${corrections} corrections) came back accepted ${json.accepted}, updated ${json.updated}`);
  }
  for (const l of labels) {
    if (l.correction || rng.next() >= 0.005) continue;
    const m = cfg.models.find((x) => x.id === l.model)!;
    const other = typeof l.actual === "number" ? Math.round((l.actual + 1.5) * 100) / 100 : m.classes.find((c) => c !== l.actual)!;
    queueLabel({ ...l, actual: other, correction: true }, draining ? 0 : Date.now() + between(10_000, 30_000));
  }
  if (rng.next() < 0.03) {
    labelResends.push({ due: draining ? 0 : Date.now() + between(2000, 10_000), body, n: labels.length });
  }
}

async function resendLabels(r: { body: Buffer; n: number }) {
  const { json } = await post("/api/v1/labels", "labels retry", r.body);
  tally.expectedLabelDuplicates += r.n;
  tally.labelsAccepted += json.accepted;
  tally.labelsUpdated += json.updated;
  tally.labelsDuplicates += json.duplicates;
  if (json.accepted !== 0) violation(`a resent label batch of ${r.n} came back with ${json.accepted} accepted`);
}

/** Sends the labels due by now (everything when draining), by model, then the resends due. Returns how many. */
async function flushLabels(draining: boolean): Promise<number> {
  const now = dueSlot(Date.now());
  const byModel = new Map<string, Label[]>();
  let n = 0;
  for (const [slot, list] of [...labelQueue].sort((a, b) => a[0] - b[0])) {
    if (!draining && slot > now) continue;
    labelQueue.delete(slot);
    for (const l of list) {
      const arr = byModel.get(l.model) ?? [];
      arr.push(l);
      byModel.set(l.model, arr);
      n++;
    }
  }
  if (draining) tally.drainedLabels += n;
  for (const [model, list] of byModel) {
    for (let i = 0; i < list.length; i += MAX_LABELS_PER_REQUEST) await sendLabels(model, list.slice(i, i + MAX_LABELS_PER_REQUEST), draining);
  }
  const t = Date.now();
  for (let i = labelResends.length - 1; i >= 0; i--) {
    if (!draining && labelResends[i].due > t) continue;
    const [r] = labelResends.splice(i, 1);
    await resendLabels(r);
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------------------
// Predictions

const lastAcked = new Map<string, Event[]>();
const batchResends: { due: number; batch: Batch }[] = [];

function makeBatch(k: number, due: number, deployAt: number): Batch {
  const m = cfg.models[(k * cfg.writers + cfg.writer) % cfg.models.length];
  const events: Event[] = [];
  const labels: Batch["labels"] = [];
  let overlap = 0;
  const prev = lastAcked.get(m.id);
  if (prev && rng.next() < 0.01) {
    const repeat = prev.slice(0, Math.min(50, prev.length));
    events.push(...repeat);
    overlap = repeat.length;
  }
  for (let j = 0; j < cfg.batch; j++) {
    const seq = (k * cfg.batch + j) * cfg.writers + cfg.writer;
    const ms = due - 1000 + Math.floor((j * 1000) / cfg.batch); // the second before the batch goes out
    const env = makeEnvelope(rng, ms, deployAt);
    const features = makeFeatures(rng, false);
    const out = makeOutcome(rng, m, features, false);
    const failed = env.errorType !== null;
    const id = eventId(ms, seq);
    events.push({
      id,
      model: m.id,
      version: env.version,
      timestamp: new Date(ms).toISOString(),
      features,
      segments: env.segments,
      latencyMs: env.latencyMs,
      ...(failed ? { error: { type: env.errorType } } : { prediction: out.prediction, ...(out.probabilities ? { probabilities: out.probabilities } : {}) }),
    });
    if (failed || rng.next() >= LABEL_SHARE) continue;
    const label: Label = { model: m.id, id, actual: out.actual, correction: false };
    const u = rng.next();
    if (u < 0.02) {
      tally.earlyLabels++;
      queueLabel(label, 0); // sent at the next flush, ~LOOKAHEAD_MS before its prediction
    } else labels.push({ label, delay: u < 0.12 ? between(60_000, 180_000) : between(2000, 20_000) });
  }
  return { k, due, model: m.id, events, overlap, labels };
}

async function sendBatch(b: Batch) {
  const body = Buffer.from(JSON.stringify({ events: b.events }));
  const { json, uncertain } = await post("/api/v1/predictions", "predictions", body);
  tally.uniqueEvents += b.events.length - b.overlap;
  tally.acceptedByModel[b.model] += json.accepted;
  tally.duplicates += json.duplicates;
  tally.expectedDuplicates += b.overlap;
  if (b.overlap) tally.overlapBatches++;
  if (!uncertain && (json.accepted !== b.events.length - b.overlap || json.duplicates !== b.overlap)) {
    violation(`batch ${b.k} of ${b.events.length} (${b.overlap} repeated) came back accepted ${json.accepted}, duplicates ${json.duplicates}`);
  }
  lastAcked.set(b.model, b.events.slice(b.overlap));
  // the labels come after their prediction was made (and stored): 2–20 s, or 1–3 min for late ones
  const now = Date.now();
  for (const { label, delay } of b.labels) queueLabel(label, now + delay);
  if (rng.next() < 0.01) batchResends.push({ due: Date.now() + between(1000, 5000), batch: b });
}

async function resendBatch(b: Batch) {
  const body = Buffer.from(JSON.stringify({ events: b.events }));
  const { json } = await post("/api/v1/predictions", "predictions retry", body);
  tally.resentBatches++;
  tally.expectedDuplicates += b.events.length;
  tally.duplicates += json.duplicates;
  tally.acceptedByModel[b.model] += json.accepted;
  if (json.accepted !== 0) violation(`resent batch ${b.k} of ${b.events.length} came back with ${json.accepted} accepted`);
}

async function run(start: StartMessage) {
  const interval = (cfg.batch / cfg.rate) * 1000;
  const flusher = (async () => {
    while (Date.now() < start.endAt) {
      await flushLabels(false);
      await sleep(LABEL_FLUSH_MS);
    }
  })();
  const reporter = setInterval(() => {
    if (samples.length) send({ type: "samples", samples });
    samples = [];
  }, 2000);

  const inFlight = new Set<Promise<void>>();
  const ahead: Batch[] = [];
  let generated = 0;
  const aheadMax = Math.ceil(LOOKAHEAD_MS / interval) + 1;
  for (let k = 0; ; k++) {
    const due = start.startAt + k * interval;
    // The run ends on time: a writer behind its schedule does not send its backlog after the end.
    if (due >= start.endAt || Date.now() >= start.endAt) break;
    // generate up to LOOKAHEAD_MS ahead (so early labels go out before their prediction), and no more than that
    // many batches when behind
    while (
      (start.startAt + generated * interval < Math.min(Date.now() + LOOKAHEAD_MS, start.endAt) && generated < k + aheadMax) ||
      generated <= k
    ) {
      ahead.push(makeBatch(generated, start.startAt + generated * interval, start.deployAt));
      generated++;
    }
    await sleep(due - Date.now());
    while (inFlight.size >= cfg.maxInFlight) await Promise.race(inFlight);
    const lag = Date.now() - due;
    tally.maxLagMs = Math.max(tally.maxLagMs, lag);
    tally.finalLagMs = lag;
    if (!tally.firstSendAt) tally.firstSendAt = Date.now();
    const b = ahead.shift()!;
    const p = sendBatch(b).finally(() => inFlight.delete(p));
    inFlight.add(p);
    const t = Date.now();
    for (let i = batchResends.length - 1; i >= 0; i--) {
      if (batchResends[i].due > t) continue;
      const [r] = batchResends.splice(i, 1);
      const q = resendBatch(r.batch).finally(() => inFlight.delete(q));
      inFlight.add(q);
    }
  }
  // Batches generated ahead but not sent by the end (the writer was behind): their early labels may be out, so
  // they are sent after the end (outside the throughput window); the schedule's batches never made are counted.
  tally.skippedEvents = Math.max(0, Math.ceil((start.endAt - start.startAt) / interval) - generated) * cfg.batch;
  tally.lateBatches = ahead.length;
  for (const b of ahead.splice(0)) {
    const p = sendBatch(b).finally(() => inFlight.delete(p));
    inFlight.add(p);
    while (inFlight.size >= cfg.maxInFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await flusher;
  // The drain: resends still due, and every label not yet sent (due after the end), until nothing is left.
  for (const r of batchResends.splice(0)) await resendBatch(r.batch);
  while ((await flushLabels(true)) > 0 || labelsQueued() > 0 || labelResends.length > 0);
  clearInterval(reporter);
  send({ type: "samples", samples });
  samples = [];
  send({ type: "done", tally }, () => process.exit(0));
}

process.on("message", (m: StartMessage) => {
  if (m.type !== "start") return;
  run(m).catch((err: unknown) => send({ type: "failed", error: String((err as Error)?.stack ?? err) }, () => process.exit(1)));
});
send({ type: "ready" });
