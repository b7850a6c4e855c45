import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { SpillSink } from "./profile";

/**
 * The numerical values of a profile builder that spilled (profile.ts VALUE_BUDGET), one file of raw doubles
 * (this machine's byte order) per feature in a fresh directory under the OS temporary directory: 8 bytes a value,
 * 1.1 GB for 10M rows × 14 numerical features. The upload writes them as the rows stream, and its profile finish
 * reads one feature back at a time (store.ts `finishProfile`): the exact doubles the builder counted, so the bins
 * are those of the in-memory path, with no JSON read back from the database. `close` removes the directory; an
 * upload killed before it leaves it behind (named `driftwatch-spill-*`).
 */
export function createSpillFiles(): SpillSink & {
  /** the `count` values written under `name`, in the order written; throws if the file holds another count */
  read(name: string, count: number): Float64Array;
  has(name: string): boolean;
  close(): void;
} {
  let dir: string | null = null;
  const files = new Map<string, { fd: number; file: string; values: number }>();
  const fileOf = (name: string) => {
    let f = files.get(name);
    if (!f) {
      dir ??= mkdtempSync(path.join(os.tmpdir(), "driftwatch-spill-"));
      const file = path.join(dir, `${files.size}.f64`);
      f = { fd: openSync(file, "w"), file, values: 0 };
      files.set(name, f);
    }
    return f;
  };
  return {
    write(name, values) {
      const f = fileOf(name);
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      for (let off = 0; off < bytes.length; ) off += writeSync(f.fd, bytes, off, bytes.length - off);
      f.values += values.length;
    },
    has: (name) => files.has(name),
    read(name, count) {
      const f = files.get(name);
      if (!f || f.values !== count) throw new Error(`spill: '${name}' holds ${f?.values ?? 0} values, not ${count}`);
      const out = new Float64Array(count);
      const bytes = new Uint8Array(out.buffer);
      const fd = openSync(f.file, "r");
      try {
        for (let off = 0; off < bytes.length; ) {
          const n = readSync(fd, bytes, off, Math.min(bytes.length - off, 1 << 30), off);
          if (n === 0) throw new Error(`spill: '${name}' ends early`);
          off += n;
        }
      } finally {
        closeSync(fd);
      }
      return out;
    },
    close() {
      for (const f of files.values()) closeSync(f.fd);
      files.clear();
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
  };
}
