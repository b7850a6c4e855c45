import "server-only";
import { unprocessable } from "../errors";
import { CONTENT_TYPES, type Format, negotiate } from "./exposition";
import { scrape } from "./scrape";

/**
 * The format a scrape asked for: `?format=text|openmetrics` when given (Prometheus 2.x cannot choose the text
 * format itself: a scrape config's `params` can), else the Accept header.
 */
export function requestedFormat(request: Request): Format {
  const param = new URL(request.url).searchParams.get("format");
  if (param === null) return negotiate(request.headers.get("accept"));
  if (param === "text" || param === "openmetrics") return param;
  throw unprocessable("Invalid query.", [{ path: "format", message: "must be text or openmetrics" }]);
}

/** GET /metrics: the scrape in the requested format, never cached. */
export async function metricsResponse(request: Request): Promise<Response> {
  const format = requestedFormat(request);
  const { body } = await scrape(format);
  return new Response(body, { headers: { "content-type": CONTENT_TYPES[format], "cache-control": "no-store" } });
}
