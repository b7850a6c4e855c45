import fc from "fast-check";

/**
 * Generators for the HTTP fuzz suite (tests/integration/fuzz.test.ts): JSON written by hand so that it can hold
 * what JSON.stringify never writes (numbers beyond float range, `__proto__` keys, 10⁵-deep nesting), strings
 * with the unicode edge cases, header and query-string values, and whole request bodies.
 */

/** A number token written as given: `1e400` parses to Infinity, `123456789012345678901234567890` loses digits. */
export class RawNum {
  constructor(readonly text: string) {}
}
/** An object as ordered entries, so `__proto__` and repeated keys survive until the server parses the text. */
export class Obj {
  constructor(readonly entries: [string, Json][]) {}
}
/** `depth` nested arrays or objects, written lazily (deeper than any recursive walk of a value survives). */
export class Deep {
  constructor(
    readonly depth: number,
    readonly kind: "array" | "object",
  ) {}
}
export type Json = null | boolean | number | string | RawNum | Deep | Json[] | Obj;

export function toJsonText(v: Json): string {
  if (v instanceof RawNum) return v.text;
  if (v instanceof Deep) return v.kind === "array" ? "[".repeat(v.depth) + "]".repeat(v.depth) : '{"a":'.repeat(v.depth) + "1" + "}".repeat(v.depth);
  if (v instanceof Obj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(",")}}`;
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(",")}]`;
  // JSON.stringify writes a lone surrogate as a \uXXXX escape, so the server parses it back to the lone surrogate.
  if (typeof v === "number" && !Number.isFinite(v)) return "null";
  return JSON.stringify(v);
}

/** A plain value (templates) as Json. */
export function fromPlain(v: unknown): Json {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === "object") return new Obj(Object.entries(v).map(([k, x]) => [k, fromPlain(x)]));
  return v as Json;
}

export const EDGE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDC00",
  "\uDBFF\uDFFF",
  "\u202Eevil\u202C",
  "\u200F\u05D0\u05D1",
  "\u200B",
  "\uFEFF",
  "\uFFFD",
  "\uFFFF",
  "\u001C\u001F",
  "\r\n",
  "\t",
  "😀",
  "👩‍👩‍👧‍👦",
  "e\u0301",
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "valueOf",
  "hasOwnProperty",
  "__defineGetter__",
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  "../../../etc/passwd",
  "%00",
  "%FF",
  "' OR 1=1 --",
  "$1",
  "${x}",
  "\\",
  '"',
  "NaN",
  "Infinity",
  "-0",
  "1e400",
  "null",
  "true",
  "other",
  "(missing)",
  "segment.x",
  "a".repeat(65),
  "a".repeat(129),
  "b".repeat(257),
  "c".repeat(2049),
  "d".repeat(70_000),
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const control = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));

export const fuzzString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...EDGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(loneSurrogate, control, fc.constantFrom("a", "é", "😀", "\u202E")), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
);

/** Keys: the names the API knows (so the fuzz reaches past "unknown key"), the prototype names, and noise. */
export const KNOWN_KEYS = [
  "id", "model", "version", "timestamp", "features", "prediction", "probabilities", "confidence", "latencyMs", "error",
  "type", "message", "segments", "label", "actual", "events", "labels", "rows", "fromWindow", "from", "to", "name",
  "description", "task", "positiveClass", "classes", "allowed", "min", "max", "importance", "drift", "numerical",
  "categorical", "method", "threshold", "windows", "performance", "slos", "kind", "target", "windowDays", "thresholdMs",
  "metric", "comparison", "window", "for", "minSamples", "severity", "enabled", "url", "settings", "matchers", "op",
  "value", "startsAt", "endsAt", "createdBy", "comment", "scopes", "expiresAt", "email", "role", "password", "disabled",
  "headers", "groupBy", "sendResolved",
];
export const fuzzKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...KNOWN_KEYS) },
  { weight: 2, arbitrary: fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "hasOwnProperty", "__defineGetter__") },
  { weight: 2, arbitrary: fuzzString },
);

export const fuzzNumber: fc.Arbitrary<number | RawNum> = fc.oneof(
  fc.constantFrom<number | RawNum>(
    0, -0, 1, -1, 0.5, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 1e21, 1e100, 1e101, -1e101,
    86_400_001, 2 ** 31, -(2 ** 63),
    new RawNum("1e400"), new RawNum("-1e400"), new RawNum("1e-400"), new RawNum("-0.0"), new RawNum("123456789012345678901234567890"),
    new RawNum("0.1e1"), new RawNum("1E+2"),
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, biased towards what breaks servers. */
export const fuzzJson: fc.Arbitrary<Json> = fc.letrec<{ v: Json }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fuzzString,
    fuzzNumber,
    fc.constantFrom<Json>(null, true, false),
    fc.integer({ min: 50, max: 20_000 }).chain((d) => fc.constantFrom(new Deep(d, "array"), new Deep(d, "object"))),
    fc.array(tie("v"), { maxLength: 5 }),
    fc.array(fc.tuple(fuzzKey, tie("v")), { maxLength: 6 }).map((e) => new Obj(e)),
  ),
})).v;

/** Paths to every value inside `v` (the root is []). */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v instanceof Obj) v.entries.forEach(([, x], i) => paths(x, [...at, i], out));
  return out;
}

function replaceAt(v: Json, at: (string | number)[], fn: (x: Json) => Json | undefined): Json {
  if (at.length === 0) return fn(v) ?? null;
  const [head, ...rest] = at;
  if (Array.isArray(v)) {
    const copy = [...v];
    const next = replaceAt(copy[head as number], rest, fn);
    if (rest.length === 0 && fn(copy[head as number]) === undefined) copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  if (v instanceof Obj) {
    const entries = [...v.entries];
    const [k, x] = entries[head as number];
    if (rest.length === 0 && fn(x) === undefined) entries.splice(head as number, 1);
    else entries[head as number] = [k, replaceAt(x, rest, fn)];
    return new Obj(entries);
  }
  return v;
}

type Mutation = { pick: number; op: "replace" | "delete" | "add" | "rename"; key: string; value: Json };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom("replace", "replace", "delete", "add", "rename"),
  key: fuzzKey,
  value: fuzzJson,
});

function mutate(v: Json, m: Mutation): Json {
  const all = paths(v);
  const at = all[m.pick % all.length];
  switch (m.op) {
    case "replace":
      return replaceAt(v, at, () => m.value);
    case "delete":
      return at.length === 0 ? v : replaceAt(v, at, () => undefined);
    case "add":
      return replaceAt(v, at, (x) => (x instanceof Obj ? new Obj([...x.entries, [m.key, m.value]]) : Array.isArray(x) ? [...x, m.value] : x));
    case "rename": {
      if (at.length === 0) return v;
      const parent = at.slice(0, -1);
      const i = at[at.length - 1] as number;
      return replaceAt(v, parent, (x) => (x instanceof Obj ? new Obj(x.entries.map(([k, y], j) => [j === i ? m.key : k, y])) : x));
    }
  }
}

/** A valid body with zero to three random mutations (one or more in 4 of 5 cases). */
export function mutated(template: fc.Arbitrary<unknown>): fc.Arbitrary<Json> {
  return fc
    .tuple(template, fc.oneof({ weight: 1, arbitrary: fc.constant([]) }, { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) }))
    .map(([t, ms]) => ms.reduce(mutate, fromPlain(t)));
}

export type Body =
  | { kind: "none" }
  | { kind: "text"; text: string }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "stream"; text: string; cuts: number[]; fail: boolean };

const INVALID_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x80]];

/**
 * Request bodies around a route's valid `templates`: mutated, truncated, as NDJSON, with bytes that are not UTF-8,
 * deeply nested, raw oddities, over `limit` bytes, and streamed in pieces (sometimes breaking off mid-way).
 */
export function bodyArb(templates: fc.Arbitrary<unknown>, limit: number): fc.Arbitrary<Body> {
  const text = (a: fc.Arbitrary<string>) => a.map((t): Body => ({ kind: "text", text: t }));
  const good = mutated(templates).map(toJsonText);
  return fc.oneof(
    { weight: 8, arbitrary: text(good) },
    { weight: 3, arbitrary: text(fuzzJson.map(toJsonText)) },
    { weight: 2, arbitrary: text(fc.tuple(templates.map((t) => JSON.stringify(t)), fc.nat()).map(([t, n]) => t.slice(0, n % Math.max(1, t.length)))) },
    { weight: 2, arbitrary: text(fc.array(good, { minLength: 1, maxLength: 5 }).chain((ls) => fc.constantFrom("\n", "\r\n", "\n\n").map((sep) => ls.join(sep)))) },
    {
      weight: 1,
      arbitrary: fc.tuple(good, fc.nat(), fc.constantFrom(...INVALID_UTF8)).map(([t, n, bad]): Body => {
        const bytes = Buffer.from(t, "utf8");
        const at = n % (bytes.length + 1);
        return { kind: "bytes", bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]) };
      }),
    },
    { weight: 1, arbitrary: text(fc.integer({ min: 1_000, max: 20_000 }).chain((d) => fc.constantFrom(toJsonText(new Deep(d, "array")), toJsonText(new Deep(d, "object")), `{"features":${toJsonText(new Deep(d, "object"))}}`))) },
    { weight: 1, arbitrary: text(fc.constantFrom("", " ", "\n", "null", "true", "0", "1e400", "NaN", "-Infinity", "{", "[", "}", '"', '"x"', "[]", "{}", "\uFEFF{}", "{}{}", '{"a":1,"a":2}', "\u0000", "[,]", "{'a':1}", "/*x*/{}")) },
    { weight: 1, arbitrary: fc.constantFrom<Body>({ kind: "none" }) },
    { weight: 1, arbitrary: fc.constantFrom(limit + 1, limit * 2).map((n): Body => ({ kind: "text", text: `[${'"x",'.repeat(Math.ceil(n / 4))}"x"]` })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.oneof(good, fc.constant(" ".repeat(limit + 1))), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean())
        .map(([t, cuts, fail]): Body => ({ kind: "stream", text: t, cuts, fail })),
    },
  );
}

export function bodyInit(body: Body): BodyInit | undefined {
  switch (body.kind) {
    case "none":
      return undefined;
    case "text":
      return body.text;
    case "bytes":
      return new Uint8Array(body.bytes);
    case "stream": {
      const bytes = Buffer.from(body.text, "utf8");
      const cuts = [...new Set(body.cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const parts: Uint8Array[] = [];
      let prev = 0;
      for (const c of [...cuts, bytes.length]) {
        parts.push(bytes.subarray(prev, c));
        prev = c;
      }
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) controller.close();
          else if (body.fail && parts.length === 0) controller.error(new TypeError("terminated: the client went away"));
          else controller.enqueue(next);
        },
      });
    }
  }
}

export const bodyLength = (body: Body) =>
  body.kind === "text" ? Buffer.byteLength(body.text) : body.kind === "bytes" ? body.bytes.length : body.kind === "stream" ? Buffer.byteLength(body.text) : 0;

const latin1 = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f).map((c) => String.fromCharCode(c)), maxLength: 40 });

export const CONTENT_TYPES = [
  null,
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "application/json; charset=latin1",
  "application/vnd.api+json",
  "application/x-ndjson",
  "application/ndjson",
  "application/jsonl",
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/octet-stream",
  "application/xml",
  ";;;",
  "",
  "application/json, text/plain",
  "*/*",
];

/** Headers: nearly always a valid admin token (so the body is parsed), and the rest of what a client can send. */
export function headersArb(adminToken: string, body: Body): fc.Arbitrary<[string, string][]> {
  const auth = fc.oneof(
    { weight: 30, arbitrary: fc.constant(`Bearer ${adminToken}`) },
    { weight: 1, arbitrary: fc.constantFrom(`bearer ${adminToken}`, `Bearer   ${adminToken}  `) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom("", "Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", `Bearer ${adminToken}x`, `Bearer ${adminToken} extra`, "Bearer dw_AAAAAAAA_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Bearer dw_\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        latin1,
      ),
    },
  );
  const len = bodyLength(body);
  const optional = (name: string, value: fc.Arbitrary<string>) => fc.option(value.map((v): [string, string] => [name, v]), { freq: 3 });
  return fc
    .tuple(
      auth,
      fc.constantFrom(...CONTENT_TYPES),
      optional("content-length", fc.oneof(fc.constant(String(len)), fc.constantFrom("0", "-1", "abc", "1e400", "99999999999999999999", String(len + 1), String(Math.max(0, len - 1))))),
      optional("accept", fc.constantFrom("*/*", "application/json", "text/plain; version=0.0.4", "application/openmetrics-text; version=1.0.0", "application/openmetrics-text; version=9", "text/html", ";q=x", "")),
      optional("cookie", fc.oneof(fc.constantFrom("driftwatch_session=abc", "driftwatch_session=", "=;=;", "a=b; driftwatch_session=%FF"), latin1)),
      optional("origin", fc.constantFrom("http://localhost", "https://evil.example", "null", "")),
      fc.array(fc.tuple(fc.constantFrom("x-forwarded-for", "x-forwarded-proto", "x-request-id", "if-none-match", "range", "transfer-encoding", "x-custom"), latin1), { maxLength: 2 }),
    )
    .map(([a, ct, cl, accept, cookie, origin, extra]) => {
      const out: [string, string][] = [["authorization", a]];
      if (ct !== null) out.push(["content-type", ct]);
      for (const h of [cl, accept, cookie, origin]) if (h) out.push(h);
      out.push(...extra);
      return out;
    });
}

export const QUERY_KEYS = ["from", "to", "step", "window", "version", "methods", "bins", "feature", "limit", "before", "state", "model", "format", "for", "segment.country", "segment.region", "segment.", "segment.__proto__"];

const isoish = fc.integer({ min: -2_000_000_000_000, max: 5_000_000_000_000 }).map((t) => new Date(t).toISOString());
const QUERY_VALUES = [
  "", "single", "series", "1m", "5m", "1h", "1d", "0m", "9999m", "2d", "1.5h", "psi", "psi,ks,wasserstein,evidently,chi2,js,hellinger,ztest",
  "ks,,ks", "default", "true", "false", "1", "0", "-1", "500", "501", "1e400", "NaN", "Infinity", "99999999999999999999", "0x10",
  "2026-11-20T10:15:00Z", "2026-11-20T10:15:00+25:00", "1990-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0000-01-01T00:00:00Z",
  "active", "pending", "expired", "import", "provisioning", "openmetrics", "prometheus", "text",
];

/** A query string: pairs from the names the routes read (repeated freely), or raw strings with broken escapes. */
export const queryArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: fuzzString }),
          fc.oneof(fc.constantFrom(...QUERY_VALUES), isoish, fc.integer().map(String), fuzzString),
        ),
        { maxLength: 8 },
      )
      .map((pairs) => (pairs.length ? "?" + pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&") : "")),
  },
  { weight: 1, arbitrary: fc.constantFrom("?%", "?%zz=1", "?from=%FF", "?version=%00", "?segment.%FF=%FE", "?a&&&=&b", "?=", "?from=1&from=2&to=3&to=0", `?${"feature=f&".repeat(3000)}`, `?methods=${"psi,".repeat(2000)}`, "?step=1m&from=1990-01-01T00:00:00Z") },
);

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes through raw, as a careless client sends it. */
export function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s.replace(/[&#=?%\s]/g, (c) => encodeURIComponent(c));
  }
}
