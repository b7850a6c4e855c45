/**
 * The host the browser sent the request to: the first X-Forwarded-Host a proxy set, else Host. Null when neither
 * is there.
 */
export function requestHost(headers: Pick<Headers, "get">): string | null {
  return headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
}
