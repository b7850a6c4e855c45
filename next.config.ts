import type { NextConfig } from "next";
import { API_CSP, STATIC_SECURITY_HEADERS } from "./lib/http/securityHeaders";

const nextConfig: NextConfig = {
  // Loaded from node_modules at run time rather than bundled: PGlite ships wasm and data files it finds beside
  // itself, and prom-client keeps process-wide state.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "prom-client", "pg"],
  poweredByHeader: false,
  // proxy.ts sets the security headers on what it sees; these cover what it does not: Next's static files and the
  // three large-body API routes its matcher skips (lib/http/securityHeaders.ts).
  async headers() {
    return [
      { source: "/:path*", headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })) },
      { source: "/api/:path*", headers: [{ key: "content-security-policy", value: API_CSP }] },
    ];
  },
};

export default nextConfig;
