import type { FeatureType, Task } from "../domain/model";
import type { Bins } from "../stats";

export type FeatureContext = {
  name: string;
  type: FeatureType;
  min: number | null;
  max: number | null;
  /** the reference's frozen bins for this feature, when a reference exists */
  bins: Bins | null;
  /** numeric bin edges as a typed array, for fast binning */
  edges: Float64Array | null;
};

/** What the write path needs to know of a model to fold events into rollups (loaded and cached by store/contexts.ts). */
export type ModelContext = {
  id: string;
  task: Task;
  /** the class whose probability is the ROC score of a binary classifier */
  positiveClass: string | null;
  features: FeatureContext[];
  /**
   * A regression model's prediction as a numerical feature named PREDICTION_KEY, on the reference's
   * prediction bins; null for classifiers (their classes are counted in the metrics documents) or without them.
   */
  prediction: FeatureContext | null;
  /** the reference feature rollups are binned on; 0n without one */
  referenceId: bigint;
};

/** The binary classifier's positive class: the declared one, else "true"/"1"/"yes" when present, else the last class. */
export function positiveClassOf(task: string, declared: string | null, classes: string[]): string | null {
  if (task !== "binary_classification") return null;
  if (declared) return declared;
  for (const c of ["true", "1", "yes", "positive"]) if (classes.includes(c)) return c;
  return classes.length ? [...classes].sort().at(-1)! : null;
}

