import { config } from "../config";
import { ApiError } from "../errors";
import type { Principal } from "./authorize";

/**
 * Per-credential request rate limit: a token bucket per API key, per signed-in user and for the admin token,
 * refilled at DRIFTWATCH_RATE_LIMIT_PER_SECOND and holding DRIFTWATCH_RATE_LIMIT_BURST. Over it, a request is
 * refused with 429 and `Retry-After` before it does any work, and only that credential waits: other keys have
 * their own buckets. Buckets live in each server process (with DRIFTWATCH_WORKERS=N the limit is N times as
 * high across the port). A rate of 0 turns the limit off.
 */
type Bucket = { tokens: number; at: number };
const buckets = new Map<string, Bucket>();
const MAX_BUCKETS = 100_000;

function keyOf(p: Principal): string {
  if (p.kind === "api_key") return `k:${p.keyId}`;
  if (p.kind === "user") return `u:${p.userId}`;
  return "admin";
}

/** Takes one request from the credential's bucket, or throws 429 with the seconds until one is free. */
export function takeRequest(principal: Principal, now = performance.now()): void {
  const { rateLimitPerSecond: rate, rateLimitBurst: burst } = config();
  if (rate === 0) return;
  const key = keyOf(principal);
  let b = buckets.get(key);
  if (!b) {
    if (buckets.size >= MAX_BUCKETS) buckets.clear(); // only on a huge number of live credentials: forget, never grow
    b = { tokens: burst, at: now };
    buckets.set(key, b);
  } else {
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return;
  }
  const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate));
  throw new ApiError(
    429,
    "rate_limited",
    `This credential sent more than ${rate} requests a second (bursts of ${burst}); send again in ${retryAfter} s, or batch events into fewer requests.`,
    { limitPerSecond: rate, burst },
    { "retry-after": String(retryAfter) },
  );
}

/** Forgets every bucket (tests). */
export function resetRateLimits() {
  buckets.clear();
}
