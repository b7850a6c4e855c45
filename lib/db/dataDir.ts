import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dir} is already in use by another Driftwatch process (pid ${pid}). ` +
        `Two processes on one embedded database would silently corrupt it, so this one stops. ` +
        `Stop the other process, point DRIFTWATCH_DATA_DIR at another directory, or set DATABASE_URL to share a PostgreSQL server.`,
    );
    this.name = "DataDirLockedError";
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const held = new Set<string>();

/**
 * Takes the data directory's lock file for this process, or throws DataDirLockedError. PGlite has no lock of
 * its own and two openers diverge silently. Re-entrant within a process; a lock left by a dead process is taken
 * over. Returns the function that releases it (it is also released when the process exits).
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, "driftwatch.lock");
  const release = () => {
    held.delete(lockPath);
    try {
      if (fs.readFileSync(lockPath, "utf8") === String(process.pid)) fs.unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      if (!held.has(lockPath)) process.once("exit", release);
      held.add(lockPath);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(lockPath, "utf8").trim());
      if (holder === process.pid) return release;
      if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) throw new DataDirLockedError(dir, holder);
      fs.rmSync(lockPath, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}
