/**
 * Names, help texts and units of the families Driftwatch exports, in one place: the collectors, the Grafana
 * dashboard and the Prometheus rules all refer to them from here.
 */
type Def = { name: string; help: string; unit?: string };

const def = (name: string, help: string, unit?: string): Def => ({ name, help, ...(unit ? { unit } : {}) });

export const F = {
  // Counters (all-time, per model and version; read from the version totals the write path keeps)
  requests: def("ml_prediction_requests", "Predictions stored, failed ones included, by model and version. Counted when stored (an event's own timestamp may be older)."),
  errors: def("ml_prediction_errors", "Failed predictions (events with an error), by error type."),
  latency: def(
    "ml_prediction_latency_seconds",
    "Prediction latency the services reported, on the buckets of Driftwatch's rollups (1 ms to 10 s), so histogram_quantile gives the dashboard's quantiles.",
    "seconds",
  ),
  classes: def("ml_prediction_class", "Successful predictions of classifiers by predicted class."),
  confidence: def(
    "ml_prediction_confidence",
    "Confidence of successful predictions (the predicted class's probability, or the confidence sent) in 20 bins of 0.05: bucket le=x counts values below x, le=1.0 all of them.",
  ),
  labels: def(
    "ml_labels",
    "Ground-truth labels joined to their predictions, by outcome (correct or incorrect; no outcome label for regression). A correction counts as a new label; ml_label_corrections_total counts the labels it replaced.",
  ),
  corrections: def("ml_label_corrections", "Labels taken back because a correction replaced them, by the outcome they had had."),

  // Gauges over each model's windows (whole hours ending at the last full hour)
  modelInfo: def("ml_model_info", "One series per model, value 1, with its task."),
  windowEnd: def("ml_model_window_end_timestamp_seconds", "End of the last complete window the model's gauges describe (the last full hour), Unix time.", "seconds"),
  windowLength: def("ml_model_window_seconds", "Length of the window the model's gauges describe: performance or drift.", "seconds"),
  accuracy: def("ml_model_accuracy", "Accuracy of the labelled predictions made in the performance window (classification)."),
  f1: def("ml_model_f1", "Macro-averaged F1 of the labelled predictions made in the performance window (classification)."),
  precision: def("ml_model_precision", "Macro-averaged precision of the labelled predictions made in the performance window (classification)."),
  recall: def("ml_model_recall", "Macro-averaged recall of the labelled predictions made in the performance window (classification)."),
  mae: def("ml_model_mae", "Mean absolute error of the labelled predictions made in the performance window (regression)."),
  rmse: def("ml_model_rmse", "Root mean squared error of the labelled predictions made in the performance window (regression)."),
  labelled: def("ml_model_labelled_predictions", "Predictions made in the performance window whose label has arrived (the sample behind the performance gauges)."),
  coverage: def("ml_model_label_coverage", "Share of the performance window's successful predictions whose label has arrived."),
  driftScore: def(
    "ml_feature_drift_score",
    "Drift of a feature in the drift window against the reference, by the method that decides its verdict: the default verdict's effect size (psi, js in bits, or proportion_diff for binary features) or the method the drift settings name.",
  ),
  driftThreshold: def(
    "ml_feature_drift_threshold",
    "Threshold beside ml_feature_drift_score (distances drift at or above it) or ml_feature_drift_p_value (tests drift below it), same method label.",
  ),
  driftPValue: def(
    "ml_feature_drift_p_value",
    "p-value of the test behind a feature's drift verdict: the default verdict's chi2_ad (numerical), chi2 (categorical) or ztest (binary), Benjamini-Hochberg adjusted across the model's features, or the named test's own.",
  ),
  driftDetected: def("ml_feature_drift_detected", "1 when the feature drifted in the drift window, 0 when not; absent with too little data (fewer than 200 values)."),
  missing: def("ml_feature_missing_ratio", "Share of the drift window's events in which the feature was absent or null.", "ratio"),
  predictionDriftScore: def("ml_prediction_drift_score", "Drift of the model's output (predicted classes or values) in the drift window, by method (as ml_feature_drift_score)."),
  predictionDriftThreshold: def("ml_prediction_drift_threshold", "Threshold beside ml_prediction_drift_score or ml_prediction_drift_p_value, same method label."),
  predictionDriftPValue: def("ml_prediction_drift_p_value", "p-value of the test behind the output's drift verdict."),
  predictionDriftDetected: def("ml_prediction_drift_detected", "1 when the model's output drifted in the drift window, 0 when not; absent with too little data."),
  referenceClassShare: def(
    "ml_reference_class_share",
    "Share of the model's current reference predictions that are of this class (classifiers whose reference has predictions): what the PredictionSkew rule compares ml_prediction_class_total's shares with.",
  ),
  driftShare: def("ml_dataset_drift_share", "Share of the tested features that drifted in the drift window; absent when no feature had enough data."),
  datasetDrift: def("ml_dataset_drift_detected", "1 when the default verdict's dataset alarm (Bonferroni across features) is raised in the drift window, 0 when not; absent with too little data."),

  // Alerting (lib/alerts/evaluate: Driftwatch's own evaluator, from the alerts table)
  alertsFiring: def("ml_alerts_firing", "Alerts firing now in Driftwatch's own evaluator, by rule name (alertname), severity and model; only firing alerts have a series."),

  // The exporter itself
  series: def("ml_metrics_series", "Series of model data this scrape exported (process metrics not included)."),
  seriesLimit: def("ml_metrics_series_limit", "Most series of model data a scrape exports (DRIFTWATCH_METRICS_MAX_SERIES)."),
  dropped: def(
    "ml_metrics_dropped_series",
    "Series left out of scrapes this process answered, by family and reason (series_limit: DRIFTWATCH_METRICS_MAX_SERIES; label_values: DRIFTWATCH_METRICS_MAX_LABEL_VALUES).",
  ),
  scrapeDuration: def("ml_metrics_scrape_duration_seconds", "Time this scrape took to read and compute the model data (in the process that answered).", "seconds"),
} as const;

export type FamilyDef = Def;
