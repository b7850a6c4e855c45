/**
 * The demo's prediction services: they talk to Driftwatch only through its public HTTP API, as real services do.
 * `setup` defines the models and uploads their references and creates an ingest key; `backfill` sends the past
 * days (the newest day first, so the overview's 24 hours fill first) with the labels already due; `tick` sends
 * the live traffic of the last interval and the labels that came due.
 */
import { DAY, HOUR, MODELS, type ModelSpec, trafficFactor } from "./scenario";
import { rng, type Rng } from "./random";

type Label = { model: string; id: string; actual: string | number; timestamp: string; due: number };
type Options = {
  url: string;
  adminToken: string;
  days: number;
  rate: number;
  seed?: number;
  /** the whole hour the episodes are placed against (default: the current hour) */
  anchor?: number;
  log?: (line: string) => void;
};

const BATCH = 5000;
const REFERENCE_ROWS = 3000;

export class Simulator {
  readonly anchor: number;
  private ingestToken = "";
  private readonly r: Rng;
  /** the hour in progress at the backfill: its own stream, so the days before it are the same whatever the minute */
  private readonly rNow: Rng;
  private readonly pending: Label[] = [];
  private seq = 0;
  private lastTick = Date.now();
  stats = { events: 0, labels: 0, requests: 0 };

  constructor(private readonly o: Options) {
    const seed = o.seed ?? 20261205;
    this.r = rng(seed);
    this.rNow = rng(seed ^ 0x9e3779b9);
    this.anchor = o.anchor ?? Math.floor(Date.now() / HOUR) * HOUR;
    if (this.anchor % HOUR !== 0 || this.anchor > Date.now()) throw new Error("anchor: a whole hour, not in the future");
  }

  private log(line: string) {
    this.o.log?.(line);
  }

  private async call(method: string, path: string, body: unknown, token = this.ingestToken): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.o.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      this.stats.requests++;
      if (res.ok) return res.json();
      // a real client retries what the server asks it to retry; everything else is a bug in the demo
      if ((res.status === 503 || res.status === 429) && attempt < 10) {
        await new Promise((ok) => setTimeout(ok, 1000 * Number(res.headers.get("retry-after") ?? 1)));
        continue;
      }
      throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    }
  }

  async setup(): Promise<void> {
    const key = (await this.call("POST", "/api/v1/api-keys", { name: "demo services", scopes: ["ingest"] }, this.o.adminToken)) as { token: string };
    this.ingestToken = key.token;
    for (const m of MODELS) {
      await this.call("PUT", `/api/v1/models/${m.id}`, m.definition);
      const rows = Array.from({ length: REFERENCE_ROWS }, () => m.referenceRow(this.r));
      await this.call("PUT", `/api/v1/models/${m.id}/reference`, { rows });
      this.log(`  ${m.id}: defined, reference of ${REFERENCE_ROWS.toLocaleString("en-US")} rows`);
      await this.tuneRules(m);
    }
  }

  /** Sets the model's own thresholds on the default rules it was given (ModelSpec.ruleThresholds). */
  private async tuneRules(m: ModelSpec): Promise<void> {
    const tuned = Object.entries(m.ruleThresholds ?? {});
    if (tuned.length === 0) return;
    const admin = this.o.adminToken;
    const { rules } = (await this.call("GET", `/api/v1/alert-rules?model=${m.id}`, undefined, admin)) as { rules: { id: string; name: string; model: string | null }[] };
    for (const [name, threshold] of tuned) {
      const rule = rules.find((r) => r.name === name && r.model === m.id);
      if (!rule) throw new Error(`${m.id} has no rule ${name} to tune`);
      await this.call("PATCH", `/api/v1/alert-rules/${rule.id}`, { threshold }, admin);
    }
    this.log(`  ${m.id}: ${tuned.map(([name, t]) => `${name} at ${t}`).join(", ")}`);
  }

  /** Events of one model in [from, to), at its traffic for those hours, and the labels they will get. */
  private generate(m: ModelSpec, from: number, to: number, r: Rng = this.r) {
    const events: Record<string, unknown>[] = [];
    const expected = ((to - from) / HOUR) * m.perHour * this.o.rate * trafficFactor(from);
    const n = Math.floor(expected) + (r() < expected % 1 ? 1 : 0);
    const times = Array.from({ length: n }, () => from + r() * (to - from)).sort((a, b) => a - b);
    for (const t of times) {
      const e = m.event(r, t, this.anchor);
      const id = `${m.id.slice(0, 3)}-${Math.floor(t).toString(36)}-${(this.seq++).toString(36)}`;
      const { actual, labelDelayMs, ...rest } = e;
      events.push({ id, model: m.id, timestamp: new Date(t).toISOString(), ...rest });
      if (labelDelayMs !== null && !e.error) {
        const due = t + labelDelayMs;
        this.pending.push({ model: m.id, id, actual, timestamp: new Date(due).toISOString(), due });
      }
    }
    return events;
  }

  private async send(events: Record<string, unknown>[]) {
    for (let i = 0; i < events.length; i += BATCH) {
      await this.call("POST", "/api/v1/predictions", { events: events.slice(i, i + BATCH) });
      this.stats.events += Math.min(BATCH, events.length - i);
    }
  }

  private async sendDueLabels(now: number) {
    const due: Label[] = [];
    for (let i = this.pending.length - 1; i >= 0; i--) {
      if (this.pending[i].due <= now) {
        due.push(this.pending[i]);
        this.pending.splice(i, 1);
      }
    }
    for (let i = 0; i < due.length; i += BATCH) {
      const labels = due.slice(i, i + BATCH).map(({ model, id, actual, timestamp }) => ({ model, id, actual, timestamp }));
      await this.call("POST", "/api/v1/labels", { labels });
      this.stats.labels += labels.length;
    }
  }

  /** The past `days`, newest day first, then the current hour up to now. */
  async backfill(): Promise<void> {
    const now = Date.now();
    this.lastTick = now;
    await this.send(MODELS.flatMap((m) => this.generate(m, this.anchor, now, this.rNow)));
    for (let d = 0; d < this.o.days; d++) {
      const dayEnd = this.anchor - d * DAY;
      const events: Record<string, unknown>[] = [];
      for (let h = 24; h >= 1; h--) for (const m of MODELS) events.push(...this.generate(m, dayEnd - h * HOUR, dayEnd - (h - 1) * HOUR));
      await this.send(events);
      await this.sendDueLabels(Date.now());
      this.log(`  day −${d + 1}: ${events.length.toLocaleString("en-US")} predictions; ${this.stats.labels.toLocaleString("en-US")} labels so far`);
    }
  }

  /** Live traffic since the previous tick, plus the labels that came due. */
  async tick(): Promise<void> {
    const now = Date.now();
    const events = MODELS.flatMap((m) => this.generate(m, this.lastTick, now));
    this.lastTick = now;
    if (events.length) await this.send(events);
    await this.sendDueLabels(now);
  }
}
