/**
 * A private PostgreSQL cluster for tests that kill, restart or stop the database (never the shared server on 5432,
 * which other tests use). `initdb` into a temporary directory, served on its own port with its own socket directory.
 * As root the binaries run as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (fs.existsSync(path.join(root, v, "bin", "initdb"))) return path.join(root, v, "bin");
  throw new Error("no PostgreSQL binaries found (set PG_BIN to the directory holding initdb and pg_ctl)");
}

const asRoot = process.getuid?.() === 0;

function pg(cmd: string, args: string[], opts: { check?: boolean } = {}) {
  const bin = path.join(binDir(), cmd);
  const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const r = spawnSync(file, argv, { encoding: "utf8", timeout: 120_000 });
  if (opts.check !== false && r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return r;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export class PrivateCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /** initdb + start; the database `driftwatch` exists. */
  static async create(): Promise<PrivateCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "driftwatch-pg-"));
    if (asRoot) execFileSync("chown", ["postgres:", dir]);
    fs.chmodSync(dir, 0o700);
    const c = new PrivateCluster(dir, await freePort());
    pg("initdb", ["-D", path.join(dir, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
    c.start();
    execFileSync(path.join(binDir(), "psql"), [c.url("postgres"), "-qc", "CREATE DATABASE driftwatch"]);
    return c;
  }

  url(db = "driftwatch"): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${db}`;
  }

  start() {
    const opts = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=100 -c shared_buffers=64MB`;
    pg("pg_ctl", ["-D", path.join(this.dir, "data"), "-l", path.join(this.dir, "log"), "-o", opts, "-w", "-t", "60", "start"]);
  }

  /** `fast`: disconnects clients and shuts down cleanly; `immediate`: as after a crash (WAL replay on start). */
  stop(mode: "fast" | "immediate" = "fast") {
    pg("pg_ctl", ["-D", path.join(this.dir, "data"), "-m", mode, "-w", "-t", "60", "stop"], { check: mode !== "immediate" });
  }

  restart(mode: "fast" | "immediate" = "fast") {
    this.stop(mode);
    this.start();
  }

  /** Stops it for good and removes its files. */
  destroy() {
    pg("pg_ctl", ["-D", path.join(this.dir, "data"), "-m", "immediate", "-w", "stop"], { check: false });
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
