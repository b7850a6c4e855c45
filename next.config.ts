import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Loaded from node_modules at run time rather than bundled: PGlite ships wasm and data files it finds beside
  // itself, and prom-client keeps process-wide state.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "prom-client", "pg"],
  poweredByHeader: false,
};

export default nextConfig;
