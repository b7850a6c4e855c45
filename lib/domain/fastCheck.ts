import { isSummable } from "./numbers";
import { MAYBE_UNSAFE_TEXT } from "./text";

/*
 * Hand-written checks of the common, valid shapes of a request, in front of their zod schemas. Each answers true
 * only when the schema would certainly accept the value and return it unchanged; anything else goes to the schema,
 * so the accept/reject decision and every error message stay zod's. Used by the write path's event check
 * (lib/ingest/fastEvent.ts) and the reference upload (lib/models/references/fastRow.ts).
 */

export const isPlain = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

export const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** A string of `min`–`max` characters with nothing the schema would replace or refuse (see safeText). */
export const isText = (v: unknown, min: number, max: number): v is string =>
  typeof v === "string" && v.length >= min && v.length <= max && !MAYBE_UNSAFE_TEXT.test(v);

/** string 1–256 | boolean | number within ±MAX_MAGNITUDE (lib/domain/values classValue) */
export const isClassValue = (v: unknown) => (typeof v === "string" ? isText(v, 1, 256) : typeof v === "boolean" || isSummable(v));

/** number | string 0–1024 | boolean | null (lib/domain/values featureValue) */
export const isFeatureValue = (x: unknown) => x === null || typeof x === "boolean" || isNum(x) || isText(x, 0, 1024);

/**
 * A record of at most `maxKeys` keys of 1–`keyMax` characters whose values pass `ok`. "__proto__" is left to zod
 * (its output drops it).
 */
export function isRecord(v: unknown, maxKeys: number, keyMax: number, ok: (x: unknown) => boolean): v is Record<string, unknown> {
  if (!isPlain(v)) return false;
  let n = 0;
  for (const k in v) {
    if (!isText(k, 1, keyMax) || k === "__proto__" || !Object.hasOwn(v, k) || !ok(v[k])) return false;
    n++;
  }
  return n <= maxKeys;
}
