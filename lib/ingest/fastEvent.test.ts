import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastPredictionEvent } from "./fastEvent";
import { eventRow } from "./predictions";
import { predictionEvent } from "./schemas";

const received = new Date("2026-01-01T00:00:00Z");
const fixedId = (ms: number) => `generated-${ms}`;
const row = (e: Parameters<typeof eventRow>[0]) => eventRow(e, received, fixedId);

/** Text the schema stores changed (NUL, U+001C–U+001F, unpaired surrogates) or refuses (in ids), and safe look-alikes. */
const awkward = fc.constantFrom("a\u0000", "\u001f", "x\u001emax", "\u001c", "\ud800", "z\udc00", "😀", "é\u001d", "tab\t");
const str = (lengths: number[]) =>
  fc.oneof(fc.string(), ...lengths.map((n) => fc.constant("x".repeat(n))), fc.constant(""), awkward, fc.string({ unit: "binary" }));
/** Numbers including the edges of every bound, and values JSON never produces (zod must decide those). */
const num = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.0000001, 86_400_000, 86_400_001, 2 ** 53 - 1, 2 ** 53, 1.5, NaN, Infinity, -Infinity, 1e100, -1e100, 1.0000001e100, -1e101, 1e300),
);
const scalar = fc.oneof(str([1, 64, 65, 128, 129, 256, 257, 1024, 1025]), num, fc.boolean(), fc.constant(null));
const anyValue = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: fc.anything() });
const keyName = fc.oneof(fc.constantFrom("a", "amount", "__proto__", "", "k".repeat(64), "k".repeat(65), "k".repeat(128), "k".repeat(129), "constructor", "1"), fc.string(), awkward);
const record = (value: fc.Arbitrary<unknown>, maxKeys: number) =>
  fc.oneof(
    fc.dictionary(keyName, value, { maxKeys }),
    fc.array(fc.tuple(keyName, value), { maxLength: maxKeys }).map((kv) => JSON.parse(JSON.stringify(Object.fromEntries(kv)))),
    fc.constant(JSON.parse('{"__proto__": 1, "a": 2}')),
    anyValue,
  );
const now = Date.now();
const timestamp = fc.oneof(
  fc.constantFrom("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.123+02:00", "2026-01-01 10:00:00z", "1989-12-31T23:59:59Z", "2026-01-01T10:00:00", "2026-13-45T99:99:99Z", "2026-01-01T10:00:00.1234567890Z", "x".repeat(41)),
  fc.constantFrom(now - 1000, now + 2 * 86_400_000, Date.UTC(1990, 0, 1), Date.UTC(1990, 0, 1) - 1, 1.5e12 + 0.5),
  anyValue,
);
const classValue = fc.oneof(fc.constantFrom("fraud", "legit", "", "c".repeat(256), "c".repeat(257)), num, fc.boolean(), fc.constant(null), anyValue);
/** Each field absent, plausible, or arbitrary; sometimes an unknown key. */
const field = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const event = fc
  .record({
    id: field(fc.oneof(str([1, 128, 129]), num, anyValue)),
    model: field(fc.oneof(fc.constantFrom("fraud-model", "m.1_x", "Bad", "-x", "a".repeat(64), "a".repeat(65)), anyValue)),
    version: field(fc.oneof(str([1, 64, 65]), anyValue)),
    timestamp: field(timestamp),
    features: field(record(scalar, 12)),
    prediction: field(classValue),
    probabilities: field(record(fc.oneof(fc.double({ min: 0, max: 1 }), num, anyValue), 4)),
    confidence: field(fc.oneof(fc.double({ min: 0, max: 1 }), num, anyValue)),
    latencyMs: field(fc.oneof(fc.double({ min: 0, max: 100 }), num, anyValue)),
    error: field(fc.oneof(fc.record({ type: fc.oneof(str([1, 64, 65]), anyValue), message: field(fc.oneof(str([2048, 2049]), anyValue)) }, { requiredKeys: [] }), fc.record({ type: fc.constant("t"), extra: fc.constant(1) }), anyValue)),
    segments: field(record(fc.oneof(str([128, 129]), num, fc.boolean(), anyValue), 12)),
    label: field(classValue),
    unknown: fc.option(anyValue, { nil: undefined, freq: 10 }),
  })
  .map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)));

/** Valid (or nearly valid) events, then one or two fields replaced by anything from the `event` generator above. */
const plain = <T,>(a: fc.Arbitrary<T>) => a.map((v) => JSON.parse(JSON.stringify(v)) as T);
const validEvent = fc.record(
  {
    id: fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.nat()),
    model: fc.constantFrom("fraud-model", "m.1_x", "a".repeat(64)),
    version: fc.string({ minLength: 1, maxLength: 64 }),
    timestamp: fc.oneof(fc.constantFrom("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.123+02:00"), fc.integer({ min: Date.UTC(1990, 0, 1), max: now })),
    features: plain(fc.dictionary(fc.string({ minLength: 1, maxLength: 128 }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 1024 }), fc.boolean(), fc.constant(null)), { maxKeys: 12 })),
    prediction: fc.oneof(fc.string({ minLength: 1, maxLength: 256 }), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
    probabilities: plain(fc.dictionary(fc.string({ minLength: 1, maxLength: 256 }), fc.double({ min: 0, max: 1, noNaN: true }), { maxKeys: 4 })),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    latencyMs: fc.double({ min: 0, max: 86_400_000, noNaN: true }),
    error: fc.record({ type: fc.string({ minLength: 1, maxLength: 64 }), message: fc.string({ maxLength: 2048 }) }, { requiredKeys: ["type"] }),
    segments: plain(fc.dictionary(fc.string({ minLength: 1, maxLength: 64 }), fc.oneof(fc.string({ maxLength: 128 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean()), { maxKeys: 10 })),
    label: fc.oneof(fc.string({ minLength: 1, maxLength: 256 }), fc.boolean(), fc.integer()),
  },
  { requiredKeys: ["model", "features"] },
);
const mutated = fc
  .tuple(validEvent, event, fc.subarray(["id", "model", "version", "timestamp", "features", "prediction", "probabilities", "confidence", "latencyMs", "error", "segments", "label", "unknown"], { maxLength: 2 }))
  .map(([valid, other, keys]) => {
    const out: Record<string, unknown> = { ...valid };
    for (const k of keys) {
      if (k in other) out[k] = other[k];
      else delete out[k];
    }
    return out;
  });

describe("fastPredictionEvent", () => {
  it("never accepts what the schema rejects, and yields the schema's row", () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: event }, { weight: 1, arbitrary: anyValue }), (value) => {
        const f = fastPredictionEvent(value);
        if (f === undefined) return;
        fast++;
        const z = predictionEvent.safeParse(value);
        expect(z.success).toBe(true);
        if (!z.success) return;
        const [a, b] = [row(f), row(z.data)];
        expect(a).toEqual(b);
        expect(JSON.stringify(a)).toBe(JSON.stringify(b)); // same key order too: the stored jsonb text is the same
      }),
      { numRuns: 20_000 },
    );
    expect(fast).toBeGreaterThan(2000); // the generator reaches the fast path often enough to mean something
  });

  it("takes the common valid event (else the write path silently falls back to zod)", () => {
    const e = JSON.parse(
      JSON.stringify({
        id: "evt-0000000001",
        model: "fraud",
        version: "v1",
        timestamp: "2026-01-01T10:00:00.000Z",
        features: { amount: 12.5, country: "DE", is_new: true, missing: null },
        prediction: "legit",
        probabilities: { fraud: 0.1, legit: 0.9 },
        latencyMs: 12.3,
        segments: { region: "eu" },
        label: "legit",
      }),
    );
    expect(fastPredictionEvent(e)).toBeDefined();
    expect(fastPredictionEvent({ ...e, id: 42, error: { type: "timeout" }, prediction: null })).toBeDefined();
    expect(fastPredictionEvent({ model: "m", features: {}, error: { type: "oom", message: "x" } })).toBeDefined();
  });
});
