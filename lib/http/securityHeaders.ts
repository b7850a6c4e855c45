/**
 * The security headers of every response (issue #16), set by proxy.ts: a Content-Security-Policy with a fresh nonce
 * per page request — Next.js reads it from the request's CSP header and puts it on its own scripts, so no script
 * runs that the server did not send — and for the API a policy that loads nothing; no framing anywhere, no
 * referrer to other sites, no content-type sniffing. next.config.ts sets the static ones on Next's own files too.
 */

/** The same on every response: they depend on nothing in the request. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  // `same-origin`, not `no-referrer`: with `no-referrer` a browser sends `Origin: null` on form posts, and the
  // CSRF check (lib/auth/sessions.ts, and Next's for server actions) needs the real origin.
  "referrer-policy": "same-origin",
  // for browsers that predate CSP's frame-ancestors
  "x-frame-options": "DENY",
};

/** 128 random bits, base64: a value an injected script cannot guess. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}

/** The policy of a page: scripts only with this request's nonce (and what they load), everything else same-origin. */
export function pageCsp(nonce: string, dev = process.env.NODE_ENV === "development"): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': the chunks Next's nonced scripts load are trusted through them. Development only: React
    // uses eval to rebuild server error stacks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // style="" attributes (React's style props, Recharts' SVG) cannot run script; without this they are dropped
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The policy of API and /metrics answers (JSON, text): nothing in them may load or run anything. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
