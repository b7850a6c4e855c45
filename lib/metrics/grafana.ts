import { F } from "./families";

/**
 * Driftwatch's Grafana dashboard, built from the exported families, in two flavours:
 * - "import" for Grafana's UI import: an `__inputs` entry DS_PROMETHEUS (Grafana asks which Prometheus to use),
 *   `__requires`, and every datasource `${DS_PROMETHEUS}`;
 * - "provisioning" for a dashboards folder Grafana provisions from disk: a `datasource` template variable instead
 *   (provisioning does not resolve `__inputs`), no `${DS_` anywhere.
 * Both: `id` null, a fixed `uid` and `schemaVersion`, template variables `model` and `feature` (multi, with All).
 */
export type DashboardFlavour = "import" | "provisioning";
export const DASHBOARD_FLAVOURS: readonly DashboardFlavour[] = ["import", "provisioning"];

export const DASHBOARD_UID = "driftwatch-models";
/** Grafana 10.0's dashboard schema; later versions migrate it on load. */
export const SCHEMA_VERSION = 38;

type Datasource = { type: "prometheus"; uid: string };
type Target = { expr: string; legendFormat: string };
type Panel = Record<string, unknown>;

const M = `model_name=~"$model"`;
const MF = `model_name=~"$model", feature_name=~"$feature"`;
const rate = (family: string, extra = "") => `rate(${family}{${M}${extra}}[$__rate_interval])`;
const quantile = (q: number, family: string) => `histogram_quantile(${q}, sum by (le, model_name) (${rate(`${family}_bucket`)}))`;

/** Every panel in order: its title, type, unit and PromQL targets (what the integration test evaluates). */
function panelSpecs(): { title: string; type: string; unit?: string; description: string; targets: Target[]; options?: Panel; fieldConfig?: Panel }[] {
  const requests = `${F.requests.name}_total`;
  return [
    {
      title: "Request rate",
      type: "timeseries",
      unit: "reqps",
      description: "Predictions stored per second, failed ones included.",
      targets: [{ expr: `sum by (model_name) (${rate(requests)})`, legendFormat: "{{model_name}}" }],
    },
    {
      title: "Error rate by type",
      type: "timeseries",
      unit: "percentunit",
      description: "Share of predictions that failed, by error type.",
      targets: [
        {
          expr: `sum by (model_name, error_type) (${rate(`${F.errors.name}_total`)}) / ignoring (error_type) group_left sum by (model_name) (${rate(requests)})`,
          legendFormat: "{{model_name}} {{error_type}}",
        },
      ],
    },
    {
      title: "Latency p50 / p95 / p99",
      type: "timeseries",
      unit: "s",
      description: "Quantiles of the latency the services reported, from the histogram Driftwatch's own pages read.",
      targets: [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, F.latency.name), legendFormat: `{{model_name}} p${Math.round(q * 100)}` })),
    },
    {
      title: "Prediction class mix",
      type: "timeseries",
      unit: "percentunit",
      description: "Share of each predicted class among a classifier's successful predictions.",
      targets: [
        {
          expr: `sum by (model_name, predicted_class) (${rate(`${F.classes.name}_total`)}) / ignoring (predicted_class) group_left sum by (model_name) (${rate(`${F.classes.name}_total`)})`,
          legendFormat: "{{model_name}} {{predicted_class}}",
        },
      ],
      fieldConfig: { custom: { stacking: { mode: "normal", group: "A" }, fillOpacity: 60 } },
    },
    {
      title: "Confidence p25 / p50",
      type: "timeseries",
      unit: "percentunit",
      description: "Quantiles of the confidence of successful predictions.",
      targets: [0.25, 0.5].map((q) => ({ expr: quantile(q, F.confidence.name), legendFormat: `{{model_name}} p${Math.round(q * 100)}` })),
    },
    {
      title: "Accuracy and F1",
      type: "timeseries",
      unit: "percentunit",
      description:
        "Accuracy and macro F1 of the labelled predictions of each model's performance window (the last full hours), and the accuracy of the labels that arrived in the last hour.",
      targets: [
        { expr: `${F.accuracy.name}{${M}}`, legendFormat: "{{model_name}} accuracy" },
        { expr: `${F.f1.name}{${M}}`, legendFormat: "{{model_name}} F1" },
        {
          expr: `sum by (model_name) (rate(${F.labels.name}_total{${M}, outcome="correct"}[1h])) / sum by (model_name) (rate(${F.labels.name}_total{${M}, outcome=~"correct|incorrect"}[1h]))`,
          legendFormat: "{{model_name}} accuracy of labels arriving (1 h)",
        },
      ],
    },
    {
      title: "MAE and RMSE",
      type: "timeseries",
      unit: "none",
      description: "Mean absolute and root mean squared error of regression models' labelled predictions in the performance window.",
      targets: [
        { expr: `${F.mae.name}{${M}}`, legendFormat: "{{model_name}} MAE" },
        { expr: `${F.rmse.name}{${M}}`, legendFormat: "{{model_name}} RMSE" },
      ],
    },
    {
      title: "Label coverage",
      type: "timeseries",
      unit: "percentunit",
      description: "Share of the performance window's successful predictions whose ground truth has arrived.",
      targets: [{ expr: `${F.coverage.name}{${M}}`, legendFormat: "{{model_name}}" }],
    },
    {
      title: "Feature drift",
      type: "status-history",
      description: "Per feature and last full hour: drifted (red) or not (green); gaps where the window had too few values.",
      targets: [{ expr: `max by (model_name, feature_name) (${F.driftDetected.name}{${MF}})`, legendFormat: "{{model_name}} {{feature_name}}" }],
      options: { showValue: "never", rowHeight: 0.9, colWidth: 0.9 },
      fieldConfig: {
        mappings: [
          { type: "value", options: { "0": { text: "no drift", color: "green", index: 0 }, "1": { text: "drift", color: "red", index: 1 } } },
        ],
        color: { mode: "thresholds" },
        thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: 1 }] },
      },
    },
    {
      title: "Drift score and threshold",
      type: "timeseries",
      unit: "none",
      description: "The drift score that decides each feature's verdict, beside its threshold (dashed).",
      targets: [
        { expr: `${F.driftScore.name}{${MF}}`, legendFormat: "{{model_name}} {{feature_name}} {{method}}" },
        { expr: `${F.driftThreshold.name}{${MF}, method!~"chi2|chi2_ad|ztest"}`, legendFormat: "{{model_name}} {{feature_name}} {{method}} threshold" },
      ],
      fieldConfig: { overrides: [{ matcher: { id: "byRegexp", options: ".*threshold$" }, properties: [{ id: "custom.lineStyle", value: { fill: "dash", dash: [10, 10] } }] }] },
    },
    {
      title: "Share of drifted features",
      type: "timeseries",
      unit: "percentunit",
      description: "Share of the tested features that drifted in each model's drift window.",
      targets: [{ expr: `${F.driftShare.name}{${M}}`, legendFormat: "{{model_name}}" }],
    },
    {
      title: "Missing values",
      type: "timeseries",
      unit: "percentunit",
      description: "Share of events in the drift window in which the feature was absent or null.",
      targets: [{ expr: `${F.missing.name}{${MF}}`, legendFormat: "{{model_name}} {{feature_name}}" }],
    },
    {
      title: "Alerts (pending and firing)",
      type: "table",
      description: "Alerts of the Driftwatch rules (GET /api/v1/integrations/prometheus-rules.yml) that Prometheus evaluates.",
      targets: [{ expr: `sum by (alertname, severity, model_name, alertstate) (ALERTS{${M}})`, legendFormat: "{{alertname}}" }],
      options: { showHeader: true },
    },
  ];
}

/** The PromQL of every panel target, in order (for tests and documentation). */
export function dashboardExpressions(): string[] {
  return panelSpecs().flatMap((p) => p.targets.map((t) => t.expr));
}

/** A target as Prometheus receives it with every model and feature selected (All is `.*`), at a 1m rate interval. */
export const withAllSelected = (expr: string) => expr.replaceAll("$__rate_interval", "1m").replaceAll("$model", ".*").replaceAll("$feature", ".*");

const ROWS: [number, string][] = [
  [0, "Traffic"],
  [3, "Predictions"],
  [5, "Performance"],
  [8, "Drift and data quality"],
  [12, "Alerts"],
];

/** The dashboard JSON in the given flavour. */
export function grafanaDashboard(flavour: DashboardFlavour): Record<string, unknown> {
  const ds: Datasource = { type: "prometheus", uid: flavour === "import" ? "${DS_PROMETHEUS}" : "${datasource}" };
  const specs = panelSpecs();
  const panels: Panel[] = [];
  let y = 0;
  let x = 0;
  let id = 1;
  specs.forEach((p, i) => {
    const row = ROWS.find(([at]) => at === i);
    if (row) {
      if (x > 0) y += 8;
      x = 0;
      panels.push({ id: id++, type: "row", title: row[1], collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
      y += 1;
    }
    const w = p.type === "table" || p.type === "status-history" ? 24 : 12;
    if (x + w > 24) {
      x = 0;
      y += 8;
    }
    const { custom, overrides, ...defaults } = (p.fieldConfig ?? {}) as { custom?: Panel; overrides?: unknown[] } & Panel;
    panels.push({
      id: id++,
      type: p.type,
      title: p.title,
      description: p.description,
      datasource: ds,
      gridPos: { h: 8, w, x, y },
      targets: p.targets.map((t, k) => ({ refId: String.fromCharCode(65 + k), datasource: ds, expr: t.expr, legendFormat: t.legendFormat, range: true })),
      fieldConfig: { defaults: { ...(p.unit ? { unit: p.unit } : {}), ...defaults, ...(custom ? { custom } : {}) }, overrides: overrides ?? [] },
      options: { legend: { displayMode: "list", placement: "bottom", showLegend: true }, tooltip: { mode: "multi", sort: "desc" }, ...(p.options ?? {}) },
    });
    x += w;
    if (x >= 24) {
      x = 0;
      y += 8;
    }
  });

  const variable = (name: string, label: string, query: string) => ({
    name,
    label,
    type: "query",
    datasource: ds,
    definition: query,
    // Grafana 10's Prometheus variable editor: qryType 1 is label_values (older Grafanas read `definition`)
    query: { qryType: 1, query, refId: "PrometheusVariableQueryEditor-VariableQuery" },
    regex: "",
    skipUrlSync: false,
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue: ".*",
    current: { selected: true, text: ["All"], value: ["$__all"] },
    sort: 1,
    hide: 0,
    options: [],
  });
  const templating = [
    ...(flavour === "provisioning"
      ? [{ name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", refresh: 1, hide: 0, current: {}, options: [] }]
      : []),
    variable("model", "Model", `label_values(${F.modelInfo.name}, model_name)`),
    variable("feature", "Feature", `label_values(${F.missing.name}{model_name=~"$model"}, feature_name)`),
  ];

  const dashboard: Record<string, unknown> = {
    id: null,
    uid: DASHBOARD_UID,
    title: "Driftwatch — ML models",
    description: "Traffic, errors, latency, predictions, performance, drift and data quality of the models Driftwatch monitors.",
    tags: ["driftwatch", "ml-monitoring"],
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    editable: true,
    graphTooltip: 1,
    timezone: "utc",
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    timepicker: {},
    annotations: {
      list: [{ builtIn: 1, datasource: { type: "grafana", uid: "-- Grafana --" }, enable: true, hide: true, iconColor: "rgba(0, 211, 255, 1)", name: "Annotations & Alerts", type: "dashboard" }],
    },
    templating: { list: templating },
    links: [],
    panels,
  };
  if (flavour === "provisioning") return dashboard;
  return {
    __inputs: [{ name: "DS_PROMETHEUS", label: "Prometheus", description: "The Prometheus that scrapes Driftwatch's /metrics", type: "datasource", pluginId: "prometheus", pluginName: "Prometheus" }],
    __elements: {},
    __requires: [
      { type: "grafana", id: "grafana", name: "Grafana", version: "10.0.0" },
      { type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0" },
      { type: "panel", id: "timeseries", name: "Time series", version: "" },
      { type: "panel", id: "status-history", name: "Status history", version: "" },
      { type: "panel", id: "table", name: "Table", version: "" },
    ],
    ...dashboard,
  };
}
