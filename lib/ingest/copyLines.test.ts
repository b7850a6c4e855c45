import { describe, expect, it } from "vitest";
import { eventRow, eventsCopyChunks, eventsCopyText } from "./predictions";

describe("eventsCopyChunks", () => {
  it("writes the bytes of eventsCopyText in whole lines, escapes and multi-byte characters included, past its first guess of the size", () => {
    const at = new Date(Date.UTC(2026, 11, 6, 7, 0, 0, 123));
    const rows = Array.from({ length: 300 }, (_, i) => {
      const r = eventRow(
        {
          model: "m",
          id: i % 2 ? `tab\there-${i}` : `id-${i}`,
          version: "v1",
          timestamp: at,
          features: { text: "é€😀 \\ back".repeat(i % 5 ? 1 : 200), n: i / 3, flag: i % 3 === 0, none: null },
          prediction: i % 4 ? "yes" : 0.25,
          probabilities: { yes: 0.5, no: 0.5 },
          error: i % 7 === 0 ? { type: "timeout", message: "line\nbreak \ud800 lone" } : undefined,
          segments: i % 2 ? { region: "eu" } : undefined,
        },
        at,
      );
      r.layoutId = 1;
      return r;
    });
    const chunks = [...eventsCopyChunks(rows)];
    expect(chunks.length).toBeGreaterThan(1);
    // each chunk holds whole lines
    for (const c of chunks) expect(c[c.length - 1]).toBe(0x0a);
    const bytes = Buffer.concat(chunks);
    expect(bytes.equals(Buffer.from(eventsCopyText(rows), "utf8"))).toBe(true);
    expect(bytes.toString("utf8").split("\n")).toHaveLength(301);
  });
});
