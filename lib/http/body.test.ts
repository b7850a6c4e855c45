import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { parseBatch, readBody, streamNdjson, type RawItem } from "./body";

/** A body stream that hands out `parts` in chunks of `chunk` bytes. */
function streamOf(parts: (string | Uint8Array)[], chunk = 64 * 1024): ReadableStream<Uint8Array> {
  const all = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= all.length) return controller.close();
      controller.enqueue(all.subarray(at, at + chunk));
      at += chunk;
    },
  });
}

async function collect(it: AsyncIterable<RawItem>): Promise<RawItem[]> {
  const out: RawItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("streamNdjson", () => {
  it("rejects a line over the limit on its own, in time linear in its length, and keeps the lines around it", async () => {
    const huge = "x".repeat(32 * 1024 * 1024); // 32 MB with no newline until its end
    const started = performance.now();
    const items = await collect(
      streamNdjson(streamOf(['{"a":1}\n', huge, '\n{"b":2}\n', '{"c":3}']), { maxLineBytes: 1024 * 1024, maxBytes: 1e9 }),
    );
    const ms = performance.now() - started;
    expect(items.map((i) => i.line)).toEqual([1, 2, 3, 4]);
    expect(items[0].value).toEqual({ a: 1 });
    expect(items[1].parseError).toMatch(/line 2 is longer than the limit of 1048576 bytes/);
    expect(items[1].value).toBeUndefined();
    expect(items[2].value).toEqual({ b: 2 });
    expect(items[3].value).toEqual({ c: 3 }); // the last line needs no newline
    expect(items.map((i) => i.index)).toEqual([0, 1, 2, 3]);
    // Generous: the quadratic reader took 27 s for this line; the linear one takes well under a second.
    expect(ms).toBeLessThan(10_000);
  });

  it("refuses the upload with 413 once the body passes the byte cap", async () => {
    const line = JSON.stringify({ features: { x: 1 } }) + "\n";
    const run = collect(streamNdjson(streamOf([line.repeat(10_000)]), { maxLineBytes: 1024, maxBytes: 50_000 }));
    await expect(run).rejects.toMatchObject({ status: 413, code: "payload_too_large" } satisfies Partial<ApiError>);
  });

  it("refuses a line that is not UTF-8 on its own, and joins lines split across chunks", async () => {
    const bad = Buffer.concat([Buffer.from('{"id":"a'), Buffer.from([0xff]), Buffer.from('"}\n')]);
    const items = await collect(streamNdjson(streamOf(['{"id":"é€😀"}\n', bad, '\n\n{"id":"z"}\n'], 3), { maxLineBytes: 100, maxBytes: 1e6 }));
    expect(items.map((i) => i.value ?? i.parseError)).toEqual([{ id: "é€😀" }, "line 2 is not valid UTF-8", { id: "z" }]);
    expect(items.map((i) => i.line)).toEqual([1, 2, 5]);
  });
});

describe("parseBatch", () => {
  it("keeps the UTF-8 lines of an NDJSON body and refuses only the others; a JSON body that is not UTF-8 is a 400", () => {
    const body = Buffer.concat([Buffer.from('{"id":"a"}\n{"id":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"id":"b"}')]);
    const items = parseBatch(body, "ndjson", "events", 10);
    expect(items.map((i) => i.value ?? i.parseError)).toEqual([{ id: "a" }, "line 2 is not valid UTF-8", { id: "b" }]);
    expect(() => parseBatch(Buffer.from([0x5b, 0xff, 0x5d]), "json", "events", 10)).toThrow(/not valid UTF-8/);
  });
});

describe("a body that breaks off (the client went away mid-upload)", () => {
  const broken = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(Buffer.from('{"a":1}\n{"b":'));
        controller.error(new TypeError("terminated"));
      },
    });
  const request = () => new Request("http://localhost/", { method: "POST", body: broken(), duplex: "half" } as RequestInit);

  it("is a 400 incomplete_body, never an internal error, whole or streamed", async () => {
    for (const read of [() => readBody(request(), 1e6), () => collect(streamNdjson(broken(), { maxLineBytes: 1e6, maxBytes: 1e9 }))]) {
      const err = await read().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ApiError);
      expect(err).toMatchObject({ status: 400, code: "incomplete_body" });
    }
  });
});
