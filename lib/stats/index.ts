// Public API of the statistics core (pure functions, no I/O). See README.md.
export { type Bins, type NumericBins, type ValueBins, DECILES, DECILE_MIN_DISTINCT, REFERENCE_QUANTILES, TAIL_QUANTILES, categoryKey } from "./bins";
export { freezeBins, freezeCategoricalBins, quantileEdges, quantileRanks } from "./freezeBins";
export { type BinCounts, type AlignedCounts, countIntoBins, countNumericInto, numericBinIndex, mergeBinCounts, alignCounts } from "./countIntoBins";
export { type CleanNumeric, cleanNumeric } from "./cleanNumeric";
export { type Moments, moments, mergeMoments, momentsVariance } from "./moments";
export { meanStdFromSums } from "./meanStdFromSums";
export { quantile, quantileSorted } from "./quantile";
export { type CumulativeBucket, histogramQuantile } from "./histogramQuantile";
export { psi } from "./psi";
export { jsDistance, jsDistanceBase } from "./jsDistance";
export { hellinger } from "./hellinger";
export { type Chi2Result, chi2Homogeneity } from "./chi2Homogeneity";
export { type AndersonDarlingResult, adInfCdf, adInfSf, andersonDarlingBinned } from "./andersonDarling";
export { type Ks2sampResult, KS_MAX_EXACT_N, ks2samp, ks2sampSorted, ksStatisticSorted } from "./ks2samp";
export { wasserstein1, wasserstein1Sorted, wassersteinNormed, populationStd } from "./wasserstein";
export { twoProportionZTest } from "./twoProportionZTest";
export { type EvidentlyMethod, type EvidentlyResult, evidentlyDrift, evidentlyBinnedData, sturgesEdges } from "./evidently";
export { benjaminiHochberg } from "./benjaminiHochberg";
export {
  type VerdictFeatureType,
  type VerdictFeatureInput,
  type VerdictThresholds,
  type FeatureVerdict,
  type DatasetVerdict,
  DEFAULT_VERDICT_THRESHOLDS,
  defaultVerdict,
} from "./defaultVerdict";
export { type ClassMetrics, type ClassificationMetrics, classificationMetrics, confusionMatrix } from "./classificationMetrics";
export { type RegressionSums, type RegressionMetrics, regressionSums, mergeRegressionSums, regressionMetrics } from "./regressionMetrics";
export { logLoss, logLossTerm } from "./logLoss";
export { rocAuc, rocAucFromHistogram } from "./rocAuc";
export { chiSquareSf } from "./distributions/chiSquareSf";
export { normalSf, normalCdf } from "./distributions/normal";
export { kstwoSf, smirnovSf } from "./distributions/kolmogorov";
export { sortFloat64 } from "./sortFloat64";
export { type Random, createRandom } from "./random";
