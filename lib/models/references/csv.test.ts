import { describe, expect, it } from "vitest";
import { csvToReferenceRows, parseCsv } from "./csv";

describe("parseCsv", () => {
  it("reads quoted fields with commas, quotes and line breaks, CRLF and LF, and skips blank lines", () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n\n"two\nlines",\n')).toEqual([
      ["a", "b"],
      ["x, y", 'say "hi"'],
      ["two\nlines", ""],
    ]);
  });
  it("keeps a last record without a line end and drops a byte-order mark", () => {
    expect(parseCsv("\ufeffa\n1")).toEqual([["a"], ["1"]]);
  });
  it("throws on an unterminated quote", () => {
    expect(() => parseCsv('a\n"open')).toThrow(/quoted/);
  });
});

describe("csvToReferenceRows", () => {
  it("types values by the model's features; prediction and actual are the row's output and label", () => {
    const rows = csvToReferenceRows("amount,zip,country,extra,prediction,actual\n12.5,01234,DE,7,fraud,legit\n,99,,x,0.5,\n", {
      amount: "numerical",
      zip: "categorical",
      country: "categorical",
    });
    expect(rows).toEqual([
      { features: { amount: 12.5, zip: "01234", country: "DE", extra: 7 }, prediction: "fraud", actual: "legit" },
      { features: { amount: null, zip: "99", country: null, extra: "x" }, prediction: 0.5, actual: null },
    ]);
  });
  it("keeps a numerical feature's text that is no number, for the reference to count as missing", () => {
    expect(csvToReferenceRows("x\nn/a\n1e3\n", { x: "numerical" }).map((r) => r.features.x)).toEqual(["n/a", 1000]);
  });
  it("refuses a file without a header", () => {
    expect(() => csvToReferenceRows("", {})).toThrow(/header/);
  });
});
