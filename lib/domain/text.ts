import { z } from "zod";

/**
 * Characters no stored text may hold: NUL (PostgreSQL's text and jsonb cannot hold it), the information
 * separators U+001C–U+001F (rollup document keys are joined with them, lib/rollups/documents.ts) and unpaired
 * surrogates (not Unicode: jsonb rejects them and UTF-8 cannot encode them). A quick test, true also for some
 * safe text (any surrogate, paired or not): use it to decide whether to look closer.
 */
export const MAYBE_UNSAFE_TEXT = /[\u0000\u001c-\u001f\ud800-\udfff]/;
const UNSAFE_CONTROLS = /[\u0000\u001c-\u001f]/g;

/** `s` with NUL and U+001C–U+001F replaced by U+FFFD and unpaired surrogates made U+FFFD (as UTF-8 would store them). */
export function safeText(s: string): string {
  if (!MAYBE_UNSAFE_TEXT.test(s)) return s;
  return s.toWellFormed().replace(UNSAFE_CONTROLS, "\ufffd");
}

export const UNSAFE_TEXT_MESSAGE = "must not contain NUL, the control characters U+001C–U+001F or unpaired surrogates";

/** Free text (feature names and values, classes, error types, segments): stored with unsafe characters replaced. */
export const text = (min: number, max: number) => z.string().min(min).max(max).transform(safeText);

/** Names that must be stored exactly as sent (prediction ids, versions, declared names): unsafe characters are an error. */
export const exactText = (min: number, max: number) =>
  z.string().min(min).max(max).refine((s) => s === safeText(s), UNSAFE_TEXT_MESSAGE);
