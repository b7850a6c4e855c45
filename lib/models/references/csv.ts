/**
 * Reference rows from a CSV file (RFC 4180: comma-separated, fields quoted with `"` and `""` for a quote inside,
 * CRLF or LF line ends), for the Settings upload, which sends them to the reference API as NDJSON. The header
 * names the columns: `prediction` and `actual` are the row's output and label, every other column a feature.
 * Values: an empty field is null; a numerical feature's field is a number when it parses as one (else it is kept
 * as text, and the reference counts it as missing, as the API does); categorical fields stay text; a column the
 * model does not know is a number when it looks like one.
 */
export type CsvRow = { features: Record<string, string | number | null>; prediction?: string | number | null; actual?: string | number | null };

/** Splits CSV text into records of fields. O(n) in the text's length. Throws on an unterminated quote. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  const endField = () => {
    record.push(field);
    field = "";
  };
  const endRecord = () => {
    endField();
    if (!(record.length === 1 && record[0] === "")) records.push(record);
    record = [];
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") endField();
    else if (c === "\n") endRecord();
    else if (c === "\r") {
      if (text[i + 1] !== "\n") endRecord();
    } else field += c;
  }
  if (quoted) throw new Error("The CSV ends inside a quoted field.");
  if (field !== "" || record.length > 0) endRecord();
  return records;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const asNumber = (s: string): number | string => (NUMBER.test(s.trim()) ? Number(s) : s);

/** Reference rows from CSV text; `types` gives each known feature's type. Throws when there is no header. */
export function csvToReferenceRows(text: string, types: Record<string, string>): CsvRow[] {
  const [header, ...records] = parseCsv(text);
  if (!header || header.every((h) => h.trim() === "")) throw new Error("The CSV has no header row naming its columns.");
  const names = header.map((h) => h.trim());
  return records.map((fields) => {
    const row: CsvRow = { features: {} };
    names.forEach((name, j) => {
      const raw = fields[j] ?? "";
      const value = raw === "" ? null : types[name] === "categorical" ? raw : asNumber(raw);
      if (name === "prediction" || name === "actual") row[name] = raw === "" ? null : asNumber(raw);
      else if (name !== "") row.features[name] = value;
    });
    return row;
  });
}
