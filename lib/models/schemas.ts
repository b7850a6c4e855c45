import { z } from "zod";
import { TASKS } from "../domain/model";
import { RESERVED_NAME, RESERVED_NAME_MESSAGE } from "../domain/records";
import { exactText, text } from "../domain/text";

export const DRIFT_METHODS = ["default", "psi", "js", "chi2", "ks", "wasserstein", "ztest", "hellinger", "evidently"] as const;

// Names events must match exactly (feature names, classes, allowed values) refuse what ingest would replace.
const featureName = exactText(1, 128).refine((n) => n !== RESERVED_NAME, RESERVED_NAME_MESSAGE);
const duration = z.string().regex(/^[1-9]\d{0,4}[mhd]$/, "must be a duration such as 15m, 24h or 7d");
const methodSetting = z
  .strictObject({
    method: z.enum(DRIFT_METHODS),
    threshold: z.number().positive().max(1e6).optional(),
  })
  .refine((m) => m.method !== "default" || m.threshold === undefined, {
    message: "the default verdict's thresholds are fixed; name a method (psi, js, ks, …) to set a threshold",
    path: ["threshold"],
  });

export const featureDefinition = z
  .strictObject({
    name: featureName,
    type: z.enum(["numerical", "categorical"]),
    min: z.number().optional(),
    max: z.number().optional(),
    allowed: z.array(z.union([exactText(0, 1024), z.number(), z.boolean()])).min(1).max(10_000).optional(),
    importance: z.number().min(0).max(1e9).optional(),
  })
  .refine((f) => f.min === undefined || f.max === undefined || f.min <= f.max, {
    message: "min must not exceed max",
    path: ["min"],
  })
  .refine((f) => f.type === "categorical" || f.allowed === undefined, {
    message: "allowed values apply to categorical features",
    path: ["allowed"],
  });

/**
 * PUT /api/v1/models/{model}. Creating needs `task`; on an existing model every omitted field keeps its value,
 * and a given `features` list becomes the declared schema (features not in it are kept as undeclared).
 */
export const modelDefinition = z
  .strictObject({
    name: text(1, 200).optional(),
    description: text(0, 5000).optional(),
    task: z.enum(TASKS).optional(),
    positiveClass: z.union([exactText(1, 256), z.number(), z.boolean()]).transform(String).optional(),
    classes: z.array(z.union([exactText(1, 256), z.number(), z.boolean()]).transform(String)).max(1000).optional(),
    features: z
      .array(featureDefinition)
      .max(1000)
      .refine((fs) => new Set(fs.map((f) => f.name)).size === fs.length, "feature names must be unique")
      .optional(),
    drift: z
      .strictObject({
        numerical: methodSetting.optional(),
        categorical: methodSetting.optional(),
        features: z.record(featureName, methodSetting).optional(),
      })
      .optional(),
    windows: z.strictObject({ performance: duration.optional(), drift: duration.optional() }).optional(),
  })
  .refine((m) => !m.classes || new Set(m.classes).size === m.classes.length, {
    message: "classes must be unique",
    path: ["classes"],
  })
  .refine((m) => !m.positiveClass || !m.classes || m.classes.includes(m.positiveClass), {
    message: "positiveClass must be one of classes",
    path: ["positiveClass"],
  })
  .refine((m) => m.task !== "binary_classification" || !m.classes || m.classes.length <= 2, {
    message: "a binary classifier has at most two classes",
    path: ["classes"],
  });
export type ModelDefinition = z.infer<typeof modelDefinition>;
