import http from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { method: string; path: string; headers: http.IncomingHttpHeaders; body: unknown; at: number; answered: number };

/**
 * A real HTTP server for notification tests: records every request and answers with what `respond` returns
 * for the n-th request (0-based), default 200.
 */
export async function startReceiver(
  respond: (n: number, req: Received) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 200 }),
  port?: number,
) {
  const requests: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
      const r: Received = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, at: Date.now(), answered: 0 };
      const out = respond(requests.length, r);
      r.answered = out.status;
      requests.push(r);
      res.writeHead(out.status, { "content-type": "text/plain", ...(out.headers ?? {}) });
      res.end(out.body ?? (out.status < 300 ? "ok" : "nope"));
    });
  });
  if (port !== undefined) await listen(server, port);
  else {
    // A free port from the test port range (TEST_PORT_BASE, default 4540, and the 40 above it).
    for (let p = testPortBase(); ; p++) {
      if (p >= testPortBase() + 40) throw new Error("no free port in the test range");
      if (await listen(server, p).then(() => true, () => false)) break;
    }
  }
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const testPortBase = () => Number(process.env.TEST_PORT_BASE) || 4540;

function listen(server: http.Server, port: number) {
  return new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => {
      server.off("listening", onListening);
      reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, "127.0.0.1");
  });
}

/** A port in the test range nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const r = await startReceiver();
  await r.close();
  return r.port;
}
