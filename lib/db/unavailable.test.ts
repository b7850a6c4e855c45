import net from "node:net";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { describe, expect, it } from "vitest";
import { PrismaClient } from "../generated/prisma/client";
import { isDatabaseUnavailable } from "./unavailable";
import { toErrorResponse, ApiError } from "../errors";

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

const caught = async (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (err: unknown) => err);

describe("isDatabaseUnavailable", () => {
  it("recognises what pg and Prisma throw when nothing answers, and maps it to 503 with Retry-After", async () => {
    const url = `postgresql://postgres@127.0.0.1:${await closedPort()}/x`;
    const fromPg = await caught(new pg.Client({ connectionString: url }).connect());
    const pool = new pg.Pool({ connectionString: url });
    const fromPool = await caught(pool.query("SELECT 1"));
    await pool.end();
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
    const fromPrisma = await caught(prisma.$queryRaw`SELECT 1`);
    await prisma.$disconnect();
    for (const err of [fromPg, fromPool, fromPrisma]) {
      expect(isDatabaseUnavailable(err)).toBe(true);
      const res = toErrorResponse(err);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect((await res.json()).error.code).toBe("database_unavailable");
    }
  });

  it("recognises PostgreSQL's shutdown and start-up codes and pg's dropped connection", () => {
    for (const code of ["57P01", "57P02", "57P03", "08006", "08001", "53300"]) {
      expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code, severity: "FATAL" }))).toBe(true);
    }
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(new Error("wrapped", { cause: new Error("Connection terminated unexpectedly") }))).toBe(true);
  });

  it("leaves the request's own failures and bugs alone", () => {
    for (const code of ["23505", "22P02", "42P01", "40001"]) {
      expect(isDatabaseUnavailable(Object.assign(new Error("x"), { code, severity: "ERROR" }))).toBe(false);
    }
    expect(isDatabaseUnavailable(new TypeError("undefined is not a function"))).toBe(false);
    expect(isDatabaseUnavailable(new ApiError(422, "invalid", "no"))).toBe(false);
    expect(toErrorResponse(new Error("boom")).status).toBe(500);
  });
});
