import { describe, expect, it } from "vitest";
import { canonicalFloat, checkFamily, type MetricFamily, negotiate, render, seriesOf } from "./exposition";

describe("negotiate", () => {
  it.each([
    [null, "text"],
    ["", "text"],
    ["*/*", "text"],
    ["text/plain; version=0.0.4", "text"],
    // Prometheus 2.42's scrape Accept header
    ["application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", "openmetrics"],
    ["application/openmetrics-text; version=0.0.1", "openmetrics"],
    ["application/openmetrics-text", "openmetrics"],
    ["application/openmetrics-text;q=0.3, text/plain;q=0.9", "text"],
    ["application/openmetrics-text;q=0", "text"],
    ["application/openmetrics-text; version=2.0.0", "text"],
    ["text/plain;q=0.5, application/openmetrics-text;q=0.5", "openmetrics"],
  ] as const)("%s → %s", (accept, format) => {
    expect(negotiate(accept)).toBe(format);
  });
});

describe("canonicalFloat", () => {
  it("renders OpenMetrics' canonical examples", () => {
    // the spec's lists: 0.0 … 10.0 in 0.001 steps, and powers of ten from 1e-10 to 1e+10
    const cases: [number, string][] = [
      [0, "0.0"], [0.001, "0.001"], [0.002, "0.002"], [0.01, "0.01"], [0.1, "0.1"], [0.9, "0.9"], [0.95, "0.95"],
      [0.99, "0.99"], [0.999, "0.999"], [1, "1.0"], [1.7, "1.7"], [10, "10.0"],
      [1e-10, "1e-10"], [1e-9, "1e-09"], [1e-5, "1e-05"], [1e-4, "0.0001"], [1e5, "100000.0"], [1e6, "1e+06"], [1e10, "1e+10"],
      [0.0075, "0.0075"], [1.5, "1.5"], [Infinity, "+Inf"], [-Infinity, "-Inf"], [1234567, "1.234567e+06"],
    ];
    for (const [v, s] of cases) expect(canonicalFloat(v), String(v)).toBe(s);
  });
});

const families: MetricFamily[] = [
  { name: "ml_things", help: 'Things with a \\ and a\nnewline and "quotes".', type: "counter", samples: [{ labels: { model_name: 'a"b\\c\nd' }, value: 3 }] },
  { name: "ml_level", help: "A gauge.", type: "gauge", samples: [{ labels: {}, value: NaN }, { labels: { x: "1" }, value: -Infinity }] },
  {
    name: "ml_wait_seconds",
    help: "A histogram.",
    unit: "seconds",
    type: "histogram",
    samples: [{ labels: { m: "x" }, buckets: [{ le: 0.5, count: 1 }, { le: 1, count: 2 }, { le: Infinity, count: 2 }], sum: 1.25, count: 2 }],
  },
];

describe("render", () => {
  it("writes text 0.0.4: counters named _total, HELP escaping \\ and newlines, labels escaping \\ \" and newlines", () => {
    expect(render(families, "text")).toBe(
      [
        "# TYPE ml_things_total counter",
        '# HELP ml_things_total Things with a \\\\ and a\\nnewline and "quotes".',
        'ml_things_total{model_name="a\\"b\\\\c\\nd"} 3',
        "# TYPE ml_level gauge",
        "# HELP ml_level A gauge.",
        "ml_level NaN",
        'ml_level{x="1"} -Inf',
        "# TYPE ml_wait_seconds histogram",
        "# HELP ml_wait_seconds A histogram.",
        'ml_wait_seconds_bucket{m="x",le="0.5"} 1',
        'ml_wait_seconds_bucket{m="x",le="1.0"} 2',
        'ml_wait_seconds_bucket{m="x",le="+Inf"} 2',
        'ml_wait_seconds_sum{m="x"} 1.25',
        'ml_wait_seconds_count{m="x"} 2',
        "",
      ].join("\n"),
    );
  });

  it("writes OpenMetrics 1.0: counter families without _total, UNIT lines, escaped quotes in HELP, # EOF", () => {
    const out = render(families, "openmetrics");
    expect(out.split("\n").slice(0, 3)).toEqual([
      "# TYPE ml_things counter",
      '# HELP ml_things Things with a \\\\ and a\\nnewline and \\"quotes\\".',
      'ml_things_total{model_name="a\\"b\\\\c\\nd"} 3',
    ]);
    expect(out).toContain("# TYPE ml_wait_seconds histogram\n# UNIT ml_wait_seconds seconds\n# HELP ml_wait_seconds A histogram.\n");
    expect(out.endsWith("# EOF\n")).toBe(true);
  });

  it("counts series: a histogram sample is its buckets plus _sum and _count", () => {
    expect(families.map(seriesOf)).toEqual([1, 2, 5]);
  });
});

describe("checkFamily", () => {
  it.each([
    [{ name: "bad-name", help: "", type: "gauge", samples: [] }, /valid Prometheus name/],
    [{ name: "x_total", help: "", type: "counter", samples: [] }, /without _total/],
    [{ name: "x_ms", help: "", unit: "seconds", type: "gauge", samples: [] }, /must end in its unit/],
    [{ name: "x", help: "", type: "gauge", samples: [{ labels: { __x: "1" }, value: 1 }] }, /not allowed/],
    [{ name: "x", help: "", type: "histogram", samples: [{ labels: { le: "1" }, buckets: [], sum: 0, count: 0 }] }, /reserved/],
  ] as [MetricFamily, RegExp][])("refuses %o", (f, message) => {
    expect(() => checkFamily(f)).toThrow(message);
  });
});
