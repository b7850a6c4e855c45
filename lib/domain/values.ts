import { z } from "zod";
import { MAX_MAGNITUDE } from "./numbers";
import { RESERVED_NAME, RESERVED_NAME_MESSAGE } from "./records";
import { text } from "./text";

/** Class labels and ground truth: a string, boolean or number of magnitude up to MAX_MAGNITUDE. */
export const classValue = z.union([text(1, 256), z.boolean(), z.number().min(-MAX_MAGNITUDE).max(MAX_MAGNITUDE)]);
/** One feature's value in an event or reference row; null is a missing value. */
export const featureValue = z.union([z.number(), text(0, 1024), z.boolean(), z.null()]);

/** An own `__proto__` key, which zod's record would drop silently (it never assigns one). */
const hasReservedKey = (v: unknown) => typeof v === "object" && v !== null && Object.hasOwn(v, RESERVED_NAME);

/** A record of at most `maxKeys` names of 1–`keyMax` characters; a `__proto__` name is an error, never dropped. */
export const boundedRecord = <T extends z.ZodType>(value: T, maxKeys: number, keyMax: number) =>
  z
    .unknown()
    .refine((v) => !hasReservedKey(v), { message: RESERVED_NAME_MESSAGE, abort: true })
    .pipe(z.record(text(1, keyMax), value).refine((r) => Object.keys(r).length <= maxKeys, `must have at most ${maxKeys} keys`));

/** Most features in one event or reference row. */
export const MAX_FEATURES = 1000;
export const featureValues = boundedRecord(featureValue, MAX_FEATURES, 128);
