/**
 * Whether an error means the database cannot be reached right now (stopped, restarting, crashed, out of
 * connections) rather than that the request or the code is wrong. Such failures answer 503 with Retry-After —
 * the client sends the same request again later — instead of 500. Walks the error's `cause` chain, since the
 * drivers and Prisma wrap what the socket reported.
 */

/** Node socket errors of a connection that failed or broke. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNABORTED"]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up, shutting down, in recovery), 53300 too_many_connections.
 */
const SQLSTATE = (code: string) => code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";

/** Prisma's own codes: can't reach (P1001), timed out (P1002), server closed the connection (P1017), pool timeout (P2024). */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);

/** What the driver adapter reports (@prisma/driver-adapter-utils error kinds). */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "DatabaseUnavailable"]);

/** pg and pg-pool messages that carry no code. */
const MESSAGES =
  /Connection terminated|connection (?:is )?(?:closed|terminated)|timeout exceeded when trying to connect|Client has encountered a connection error|Cannot use a pool after calling end|the database system is (?:starting up|shutting down|in recovery)|terminating connection due to administrator command|Can't reach database server|Server has closed the connection/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0 && seen.size < 20) {
    const e = queue.shift();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as {
      code?: unknown;
      kind?: unknown;
      originalCode?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
      meta?: { code?: unknown; kind?: unknown; driverAdapterError?: unknown };
    };
    for (const c of [o.code, o.originalCode, o.meta?.code]) {
      if (typeof c !== "string") continue;
      if (SOCKET_CODES.has(c) || PRISMA_CODES.has(c) || (/^[0-9A-Z]{5}$/.test(c) && SQLSTATE(c))) return true;
    }
    for (const k of [o.kind, o.meta?.kind]) if (typeof k === "string" && ADAPTER_KINDS.has(k)) return true;
    if (typeof o.message === "string" && MESSAGES.test(o.message)) return true;
    queue.push(o.cause, o.meta?.driverAdapterError);
    if (Array.isArray(o.errors)) queue.push(...o.errors); // AggregateError (a connect to several addresses)
  }
  return false;
}

/** Seconds a client should wait before sending again when the database is unavailable. */
export const RETRY_AFTER_SECONDS = 5;
