/**
 * What bench/soak's processes share: a keep-alive HTTP client on node:http (lighter on the shared cores than
 * fetch, as in bench/ingest), the request samples the writers send their parent, and the writers' final tallies.
 */
import http from "node:http";

/** One request as measured by a client: its kind, when it started (epoch ms), how long it took, its status. */
export type Sample = { kind: string; at: number; ms: number; status: number; events?: number; detail?: string; failed?: string };

/** Status of a request that got no response: timed out, or the connection failed. */
export const NO_RESPONSE = { timeout: -1, network: -2 } as const;

/** `detail`: without a response, the error's code (and whether the request went out on a reused keep-alive socket) */
export type Reply = { status: number; body: string; headers: http.IncomingHttpHeaders; ms: number; at: number; detail?: string };

/** Connection errors on a reused keep-alive socket: the server closed it as idle just as the client sent on it. */
export const STALE_SOCKET = "on a reused keep-alive socket";

// `timeout` makes the agent apply the server's `Keep-Alive: timeout=5` hint (less a second) to idle sockets, so it
// drops them before the server does; without it Node keeps idle sockets forever and races the server's close.
const agent = new http.Agent({ keepAlive: true, maxSockets: 32, timeout: 60_000 });

/**
 * One HTTP request, read to its last byte. A timeout or a connection error resolves with a negative status
 * (NO_RESPONSE) instead of throwing, so the caller counts it and decides to retry.
 */
export function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {}): Promise<Reply> {
  const at = Date.now();
  const t0 = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (status: number, body = "", headers: http.IncomingHttpHeaders = {}, detail?: string) => {
      if (settled) return;
      settled = true;
      resolve({ status, body, headers, ms: performance.now() - t0, at, ...(detail ? { detail } : {}) });
    };
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.body) headers["content-length"] = opts.body.length;
    const req = http.request(url, { method: opts.method ?? "GET", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), res.headers));
      res.on("error", (err: NodeJS.ErrnoException) => done(NO_RESPONSE.network, "", {}, `${err.code ?? err.message} in the response`));
    });
    req.setTimeout(opts.timeoutMs ?? 60_000, () => {
      req.destroy();
      done(NO_RESPONSE.timeout, "", {}, `no response in ${opts.timeoutMs ?? 60_000} ms`);
    });
    req.on("error", (err: NodeJS.ErrnoException) => done(NO_RESPONSE.network, "", {}, `${err.code ?? err.message}${req.reusedSocket ? ` ${STALE_SOCKET}` : ""}`));
    req.end(opts.body);
  });
}

/** A writer's account of what it sent and what the server acknowledged, for the parent's exactly-once checks. */
export type WriterTally = {
  writer: number;
  /** distinct events sent (each acknowledged once, eventually: a failed request is sent again) */
  uniqueEvents: number;
  /** per model: events acknowledged as new (`accepted` summed over 200 responses) */
  acceptedByModel: Record<string, number>;
  /** `duplicates` summed over 200 responses, and how many resent events the writer expected to be duplicates */
  duplicates: number;
  expectedDuplicates: number;
  /** batches resent whole, and batches that repeated part of an acknowledged batch */
  resentBatches: number;
  overlapBatches: number;
  /** labels: distinct labelled predictions, per model; accepted/updated/duplicates/pending summed over responses */
  uniqueLabelsByModel: Record<string, number>;
  labelsAccepted: number;
  labelsUpdated: number;
  labelsDuplicates: number;
  labelsPending: number;
  /** what the writer sent on purpose: corrections (a newer, different label), resent label batches' labels, early labels */
  corrections: number;
  expectedLabelDuplicates: number;
  earlyLabels: number;
  /** requests whose acknowledgement contradicted what was sent (e.g. a resend counted as new) */
  violations: string[];
  /** how far the writer fell behind its schedule: the largest and the final delay of a batch's send, ms */
  maxLagMs: number;
  finalLagMs: number;
  /** when the first batch went out and the last acknowledgement came back (epoch ms) */
  firstSendAt: number;
  lastAckAt: number;
  /** labels sent in the final drain (due after the end of the run) */
  drainedLabels: number;
  /** behind schedule at the end: events of the schedule never made, and batches made ahead but sent after the end */
  skippedEvents: number;
  lateBatches: number;
};

export type WriterMessage = { type: "ready" } | { type: "samples"; samples: Sample[] } | { type: "done"; tally: WriterTally } | { type: "failed"; error: string };
