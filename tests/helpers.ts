import { getDb, Prisma } from "@/lib/db/client";

export const ADMIN = "test-admin-token-0123456789";

type Handler<P> = (request: Request, ctx: { params: Promise<P> }) => Promise<Response>;

/** Calls a route handler as Next.js would, with a bearer token (admin by default; null for none). */
export async function call<P extends Record<string, string> = Record<string, string>>(
  handler: Handler<P>,
  opts: {
    method?: string;
    path?: string;
    body?: unknown;
    raw?: string | ReadableStream<Uint8Array>;
    contentType?: string | null;
    token?: string | null;
    params?: P;
  } = {},
  // Tests read arbitrary response JSON; `any` keeps their assertions short.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers = new Headers();
  const token = opts.token === undefined ? ADMIN : opts.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  const contentType = opts.contentType === undefined ? (body === undefined ? null : "application/json") : opts.contentType;
  if (contentType) headers.set("content-type", contentType);
  const request = new Request(`http://localhost${opts.path ?? "/"}`, {
    method: opts.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  // Safe because a handler without route params never reads them.
  const response = await handler(request, { params: Promise.resolve(opts.params ?? ({} as P)) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** A model id no other test uses. */
export function uniqueModel(prefix = "m"): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function countEvents(model: string): Promise<number> {
  const [{ n }] = await getDb().$queryRaw<{ n: number }[]>(
    Prisma.sql`SELECT count(*)::int AS n FROM prediction_events WHERE model_id = ${model}`,
  );
  return n;
}

/** `n` plausible events for `model`, ids `${prefix}-0…`, ten features each. */
export function makeEvents(model: string, n: number, prefix = "e", base = Date.now() - 3600_000) {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    model,
    version: i % 2 ? "v2" : "v1",
    timestamp: new Date(base + i * 1000).toISOString(),
    features: {
      amount: 10 + (i % 97) * 1.5,
      age: 18 + (i % 60),
      score: (i % 13) / 13,
      n_items: i % 7,
      distance_km: (i * 7.3) % 500,
      hour: i % 24,
      ratio: ((i % 11) + 1) / 12,
      country: ["DE", "FR", "US"][i % 3],
      channel: i % 2 ? "web" : "app",
      is_new_user: i % 5 === 0,
    },
    prediction: i % 10 === 0 ? "fraud" : "legit",
    probabilities: i % 10 === 0 ? { fraud: 0.9, legit: 0.1 } : { fraud: 0.05, legit: 0.95 },
    latencyMs: 5 + (i % 50),
  }));
}
