import { z } from "zod";
import { CHANNEL_TYPES, MATCH_OPS } from "./types";
import { regexError } from "./matchers";

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, "must be a label name ([a-zA-Z_][a-zA-Z0-9_]*)");

export const matcherSchema = z
  .strictObject({ name: labelName, op: z.enum(MATCH_OPS), value: z.string().max(1000) })
  .superRefine((m, ctx) => {
    if (m.op === "=~" || m.op === "!~") {
      const reason = regexError(m.value);
      if (reason) ctx.addIssue({ code: "custom", path: ["value"], message: `not a valid regular expression: ${reason}` });
    }
  });

const httpUrl = z
  .string()
  .max(2000)
  .refine((s) => {
    try {
      const u = new URL(s);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an http(s) URL");

export const settingsSchema = z.strictObject({
  groupBy: z.array(labelName).max(20).optional(),
  matchers: z.array(matcherSchema).max(50).optional(),
  sendResolved: z.boolean().optional(),
  repeatIntervalSeconds: z.number().int().min(60).max(7 * 86400).optional(),
  resendIntervalSeconds: z.number().int().min(5).max(86400).optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, "must be a header name"), z.string().max(4000)).optional(),
});

export const createChannelRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  type: z.enum(CHANNEL_TYPES),
  url: httpUrl,
  enabled: z.boolean().optional(),
  settings: settingsSchema.optional(),
});

export const updateChannelRequest = createChannelRequest.partial();

export const createSilenceRequest = z
  .strictObject({
    matchers: z.array(matcherSchema).min(1).max(50),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    createdBy: z.string().max(200).optional(),
    comment: z.string().max(2000).optional(),
  })
  .superRefine((s, ctx) => {
    const start = s.startsAt ? Date.parse(s.startsAt) : Date.now();
    if (Date.parse(s.endsAt) <= start) ctx.addIssue({ code: "custom", path: ["endsAt"], message: "must be after startsAt" });
  });
