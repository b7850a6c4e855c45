import "server-only";
import { headers } from "next/headers";
import { config } from "../config";
import { requestHost } from "./requestHost";

/**
 * Driftwatch's address as the user reaches it, for the copyable commands of the empty states: DRIFTWATCH_PUBLIC_URL,
 * else the host (and X-Forwarded-Proto) of the page's request — not a made-up localhost:3000.
 */
export async function siteUrl(): Promise<string> {
  const pub = config().publicUrl;
  if (pub) return pub.replace(/\/+$/, "");
  const h = await headers();
  const host = requestHost(h) ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return `${proto}://${host}`;
}
