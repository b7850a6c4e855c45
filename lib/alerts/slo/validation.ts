import { z } from "zod";
import { defaultSloName, LATENCY_THRESHOLDS_MS, MAX_WINDOW_DAYS, MIN_WINDOW_DAYS, SLO_KINDS, type Slo } from "./objectives";

export const MAX_SLOS_PER_MODEL = 20;

const sloInput = z
  .strictObject({
    name: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit").optional(),
    kind: z.enum(SLO_KINDS),
    target: z.number().gt(0, "must be above 0").lt(1, "must be below 1 (e.g. 0.999 for 99.9 %)"),
    windowDays: z.number().int().min(MIN_WINDOW_DAYS).max(MAX_WINDOW_DAYS).default(30),
    thresholdMs: z.number().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.kind === "latency") {
      if (s.thresholdMs === undefined) ctx.addIssue({ code: "custom", path: ["thresholdMs"], message: "a latency SLO needs thresholdMs" });
      else if (!LATENCY_THRESHOLDS_MS.includes(s.thresholdMs)) {
        ctx.addIssue({
          code: "custom",
          path: ["thresholdMs"],
          message: `must be a bound of the latency histogram, so good requests are counted exactly: ${LATENCY_THRESHOLDS_MS.join(", ")}`,
        });
      }
    } else if (s.thresholdMs !== undefined) {
      ctx.addIssue({ code: "custom", path: ["thresholdMs"], message: "only latency SLOs take a threshold" });
    }
  })
  .transform((s): Slo => {
    const thresholdMs = s.kind === "latency" ? (s.thresholdMs ?? null) : null;
    return { name: s.name ?? defaultSloName(s.kind, thresholdMs), kind: s.kind, target: s.target, windowDays: s.windowDays, thresholdMs };
  });

/** PUT /api/v1/models/{model}/slos: the model's whole set of SLOs (an empty list removes them). */
export const putSlosRequest = z
  .strictObject({ slos: z.array(sloInput).max(MAX_SLOS_PER_MODEL) })
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.slos.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: "custom", path: ["slos", i, "name"], message: `'${s.name}' is used twice; give each SLO its own name` });
      seen.add(s.name);
    });
  });
