export const TASKS = ["binary_classification", "multiclass_classification", "regression"] as const;
export type Task = (typeof TASKS)[number];

export const TASK_LABELS: Record<Task, string> = {
  binary_classification: "Binary classification",
  multiclass_classification: "Multiclass classification",
  regression: "Regression",
};

/** A task's display name; a stored task this release does not know shows as stored. */
export const taskLabel = (task: string) => (TASK_LABELS as Record<string, string>)[task] ?? task;

export const FEATURE_TYPES = ["numerical", "categorical"] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

/** A feature's type from a value of it: numbers are numerical, strings and booleans categorical; null says nothing yet. */
export function inferFeatureType(value: unknown): FeatureType | null {
  if (typeof value === "number") return "numerical";
  if (typeof value === "string" || typeof value === "boolean") return "categorical";
  return null;
}

/**
 * The name a model's prediction goes by where it is kept beside its features (a regression prediction's bins in
 * the feature rollups, the prediction's sample among a reference's feature samples). U+001F starts no name a
 * client can send (lib/domain/text.ts), so it never clashes with a feature.
 */
export const PREDICTION_KEY = "\u001fprediction";
