// Test helper (imported only by *.test.ts): rollup documents as the write path would produce them from raw values.
import type { FeatureProfile } from "../models/references/profile";
import { type Doc, SEP, bump, key } from "../rollups/documents";
import { categoryKey, numericBinIndex } from "../stats";

/** Feature document entries for raw values: f·b·<i> on numeric bins, else f·v·<categoryKey>; f·miss (null) and f·mis (wrong type). */
export function featureDoc(profile: FeatureProfile, values: readonly unknown[], doc: Doc = {}): Doc {
  const f = profile.name;
  for (const v of values) {
    if (v === null || v === undefined) {
      bump(doc, key(f, "miss"));
      continue;
    }
    if (profile.type === "numerical" && (typeof v !== "number" || !Number.isFinite(v))) {
      bump(doc, key(f, "mis"));
      continue;
    }
    bump(doc, key(f, "n"));
    if (profile.bins.kind === "numeric") bump(doc, key(f, "b", numericBinIndex(profile.bins.edges, v as number)));
    else bump(doc, key(f, "v", categoryKey(v) ?? ""));
  }
  return doc;
}

/** Metrics document entries for predicted classes: n and pc·<class>. */
export function predictionDoc(classes: readonly unknown[], doc: Doc = {}): Doc {
  for (const c of classes) {
    bump(doc, "n");
    const k = categoryKey(c);
    if (k !== null) bump(doc, "pc" + SEP + k);
  }
  return doc;
}
