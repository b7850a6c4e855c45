import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyIn } from "@/lib/db/copy";

/**
 * copyIn sends COPY data without waiting for the server's CopyInResponse, chunk by chunk as a producer makes it
 * (lib/db/copy.ts). These tests hold it to what that must never break: every row stored in order, and a COPY that
 * fails — before copy mode, in the middle of the data, or because the producer threw — fails alone, leaving the
 * connection answering the next statement correctly. PostgreSQL only: the embedded database has no COPY path.
 */
const url = process.env.DATABASE_URL;

describe.skipIf(!url)("copyIn on PostgreSQL", () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query("CREATE TEMP TABLE copy_probe (k int PRIMARY KEY, v text NOT NULL)");
  });
  afterAll(async () => {
    await client.end();
  });

  const lines = (from: number, to: number) => {
    let s = "";
    for (let k = from; k < to; k++) s += `${k}\tvalue ${k} é\\t\n`;
    return Buffer.from(s, "utf8");
  };
  const count = async () => Number((await client.query("SELECT count(*) AS n FROM copy_probe")).rows[0].n);
  const COPY = "COPY copy_probe (k, v) FROM STDIN";

  it("stores every row of every chunk, in order, escapes decoded", async () => {
    await client.query("TRUNCATE copy_probe");
    function* chunks() {
      for (let start = 0; start < 5_000; start += 700) yield lines(start, Math.min(5_000, start + 700));
    }
    await copyIn(client, COPY, chunks());
    expect(await count()).toBe(5_000);
    const { rows } = await client.query("SELECT k, v FROM copy_probe WHERE k IN (0, 4999) ORDER BY k");
    expect(rows).toEqual([
      { k: 0, v: "value 0 é\t" },
      { k: 4999, v: "value 4999 é\t" },
    ]);
  });

  it("a producer that throws fails the COPY with its own error, stores nothing of it, and leaves the connection usable", async () => {
    await client.query("TRUNCATE copy_probe");
    function* chunks() {
      yield lines(0, 100);
      yield lines(100, 200);
      throw new Error("the producer broke");
    }
    await expect(copyIn(client, COPY, chunks())).rejects.toThrow("the producer broke");
    expect(await count()).toBe(0);
    await copyIn(client, COPY, [lines(0, 3)]);
    expect(await count()).toBe(3);
  });

  it("a statement that fails before copy mode ignores the data sent ahead of it; the next statement gets its own answer", async () => {
    const err = await copyIn(client, "COPY no_such_table (k, v) FROM STDIN", [lines(0, 1_000), lines(1_000, 2_000)]).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("42P01");
    const { rows } = await client.query("SELECT 41 + 1 AS answer");
    expect(rows).toEqual([{ answer: 42 }]);
  });

  it("a key already stored fails the COPY midway; rolled back to a savepoint, the transaction goes on", async () => {
    await client.query("TRUNCATE copy_probe");
    await copyIn(client, COPY, [lines(500, 501)]);
    await client.query("BEGIN; SAVEPOINT s");
    const err = await copyIn(client, COPY, [lines(0, 400), lines(400, 800)]).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("23505");
    await client.query("ROLLBACK TO SAVEPOINT s");
    await copyIn(client, COPY, [lines(0, 500)]);
    await client.query("COMMIT");
    expect(await count()).toBe(501);
  });
});
