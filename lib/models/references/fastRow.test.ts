import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastReferenceRow } from "./fastRow";
import { referenceRow } from "./upload";

/** Text the schema changes (NUL, U+001C–U+001F, unpaired surrogates) and safe look-alikes. */
const awkward = fc.constantFrom("a\u0000", "\u001f", "x\u001emax", "\ud800", "z\udc00", "😀", "tab\t");
const str = (lengths: number[]) => fc.oneof(fc.string(), ...lengths.map((n) => fc.constant("x".repeat(n))), fc.constant(""), awkward);
const num = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e100, -1e100, 1.0000001e100, 1e300));
const scalar = fc.oneof(str([1, 128, 129, 256, 257, 1024, 1025]), num, fc.boolean(), fc.constant(null));
const anyValue = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: fc.anything() });
const keyName = fc.oneof(fc.constantFrom("a", "amount", "__proto__", "", "k".repeat(128), "k".repeat(129), "constructor", "toString"), fc.string(), awkward);
const features = fc.oneof(
  fc.dictionary(keyName, scalar, { maxKeys: 12 }),
  fc.array(fc.tuple(keyName, scalar), { maxLength: 12 }).map((kv) => JSON.parse(JSON.stringify(Object.fromEntries(kv)))),
  fc.constant(JSON.parse('{"__proto__": 1, "a": 2}')),
  anyValue,
);
const classValue = fc.oneof(fc.constantFrom("fraud", "", "c".repeat(256), "c".repeat(257)), num, fc.boolean(), fc.constant(null), anyValue);
const field = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const row = fc
  .record({ features: field(features), prediction: field(classValue), actual: field(classValue), extra: fc.option(anyValue, { nil: undefined, freq: 10 }) })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

/** Valid rows, then one field replaced by anything from the `row` generator above. */
const plain = <T,>(a: fc.Arbitrary<T>) => a.map((v) => JSON.parse(JSON.stringify(v)) as T);
const validValue = fc.oneof(fc.string({ minLength: 1, maxLength: 256 }), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null));
const validRow = fc.record(
  {
    features: plain(fc.dictionary(fc.string({ minLength: 1, maxLength: 128 }), fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string({ maxLength: 1024 }), fc.boolean(), fc.constant(null)), { maxKeys: 12 })),
    prediction: validValue,
    actual: validValue,
  },
  { requiredKeys: ["features"] },
);
const mutated = fc.tuple(validRow, row, fc.subarray(["features", "prediction", "actual", "extra"], { maxLength: 1 })).map(([valid, other, keys]) => {
  const out: Record<string, unknown> = { ...valid };
  for (const k of keys) {
    if (k in other) out[k] = other[k];
    else delete out[k];
  }
  return out;
});

describe("fastReferenceRow", () => {
  it("never accepts what the schema rejects, and yields the schema's row", () => {
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 2, arbitrary: row }, { weight: 1, arbitrary: anyValue }), (value) => {
        const f = fastReferenceRow(value);
        if (f === undefined) return;
        fast++;
        const z = referenceRow.safeParse(value);
        expect(z.success).toBe(true);
        if (!z.success) return;
        expect(f).toEqual(z.data);
        expect(JSON.stringify(f)).toBe(JSON.stringify(z.data)); // the stored json text is the same
      }),
      { numRuns: 20_000 },
    );
    expect(fast).toBeGreaterThan(1000); // the generator reaches the fast path often enough to mean something
  });

  it("takes the common valid row (else the upload silently falls back to zod)", () => {
    const r = JSON.parse(JSON.stringify({ features: { amount: 12.5, country: "DE", is_new: true, missing: null }, prediction: "legit", actual: "fraud" }));
    expect(fastReferenceRow(r)).toEqual(r);
    expect(fastReferenceRow({ features: {}, prediction: 0.3 })).toEqual({ features: {}, prediction: 0.3 });
    expect(fastReferenceRow({ features: { a: 1 }, extra: 1 })).toBeUndefined();
    expect(fastReferenceRow(JSON.parse('{"features": {"__proto__": 1}}'))).toBeUndefined();
  });
});
