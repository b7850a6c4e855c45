import { z } from "zod";
import { exactText } from "./text";

export const MODEL_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const modelId = z
  .string()
  .regex(MODEL_ID_PATTERN, "must be 1–64 lowercase letters, digits, '_', '.' or '-', starting with a letter or digit");

/** Prediction ids: strings (or integers, stored as their decimal string) of 1–128 characters. */
export const predictionId = z
  .union([exactText(1, 128), z.number().int().nonnegative()])
  .transform((v) => String(v));

export const VERSION_MAX_CHARS = 64;
/** A model version as events name it ("v3"); stored exactly as sent. */
export const versionName = exactText(1, VERSION_MAX_CHARS);
