/**
 * The built app served by `scripts/start.ts`, as `npm start` serves it, in a process group of its own so a test can
 * kill the whole server (supervisor and workers) at once, or one worker alone.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "../../scripts/nodeFlags";

const root = path.resolve(__dirname, "..", "..");
export const TOKEN = "durability-admin-token-0123456789";

export type ServerOptions = { port: number; databaseUrl?: string; dataDir?: string; workers?: number; env?: Record<string, string> };

/** Parent pid of each process (from /proc). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(Number(entry), Number(fields[1]));
    } catch {
      /* gone */
    }
  }
  return out;
}

export class AppServer {
  child?: ChildProcess;
  log = "";
  exit?: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly opts: ServerOptions) {}

  get url() {
    return `http://127.0.0.1:${this.opts.port}`;
  }

  /** Starts the server and waits until /api/health answers 200. */
  async start(timeoutMs = 120_000): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(this.opts.port),
      HOST: "127.0.0.1",
      DRIFTWATCH_ADMIN_TOKEN: TOKEN,
      NEXT_TELEMETRY_DISABLED: "1",
      DRIFTWATCH_WORKERS: String(this.opts.workers ?? 1),
      ...this.opts.env,
    };
    delete env.DATABASE_URL;
    delete env.DRIFTWATCH_DATA_DIR;
    if (this.opts.databaseUrl) env.DATABASE_URL = this.opts.databaseUrl;
    if (this.opts.dataDir) env.DRIFTWATCH_DATA_DIR = this.opts.dataDir;
    const child = spawn(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), ...SERVER_NODE_FLAGS, "scripts/start.ts"], {
      cwd: root,
      env,
      detached: true, // its own process group: kill(-pid) reaches the supervisor and every worker
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    this.log = "";
    child.stdout!.on("data", (d) => (this.log += d));
    child.stderr!.on("data", (d) => (this.log += d));
    this.exit = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited during start:\n${this.log}`);
      if ((await this.health()) === 200) {
        const workers = this.opts.workers ?? 1;
        if (workers <= 1 || this.log.includes(`${workers} worker processes`)) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`server did not become healthy within ${timeoutMs} ms:\n${this.log}`);
  }

  async health(timeoutMs = 5_000): Promise<number> {
    try {
      const r = await fetch(`${this.url}/api/health`, { signal: AbortSignal.timeout(timeoutMs) });
      await r.arrayBuffer();
      return r.status;
    } catch {
      return 0;
    }
  }

  /** Every process of the server's group: the tsx launcher, the node process it runs, and cluster workers. */
  processTree(): number[] {
    const pid = this.child?.pid;
    if (!pid) return [];
    const parent = parents();
    const tree = [pid];
    for (let i = 0; i < tree.length; i++) for (const [p, pp] of parent) if (pp === tree[i]) tree.push(p);
    return tree;
  }

  /**
   * The cluster workers: node processes running scripts/start.ts whose parent is the primary (launcher → primary
   * → workers; the primary has other children too, such as tsx's esbuild service).
   */
  workers(): number[] {
    const pid = this.child?.pid;
    if (!pid) return [];
    const parent = parents();
    const primaries = [...parent].filter(([, pp]) => pp === pid).map(([p]) => p);
    return [...parent].filter(([p, pp]) => primaries.includes(pp) && cmdline(p).includes("scripts/start.ts")).map(([p]) => p);
  }

  /** SIGKILL to the whole process group, then waits for the launcher to be gone. */
  async killGroup(): Promise<void> {
    const tree = this.processTree();
    try {
      process.kill(-this.child!.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
    await this.exit;
    // wait until no process of the old server holds the port
    for (let i = 0; i < 100 && tree.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
  }

  async signal(sig: NodeJS.Signals) {
    process.kill(this.child!.pid!, sig);
  }

  /** A signal to the whole process group, as a terminal's Ctrl-C sends it (tsx's esbuild service gets it too). */
  async signalGroup(sig: NodeJS.Signals) {
    process.kill(-this.child!.pid!, sig);
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    await this.killGroup();
  }
}

function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
