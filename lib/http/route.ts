import { actorOf, audit } from "../auth/audit";
import { authenticate, principalOf } from "../auth/authorize";
import { ApiError, errorResponse, toErrorResponse } from "../errors";
import { safeText, UNSAFE_TEXT_MESSAGE } from "../domain/text";
import { bodyKind, readBodyText } from "./body";

/** Route params as Next.js passes them (a promise since Next 15). */
export type RouteContext<P extends Record<string, string> = Record<string, string>> = { params: Promise<P> };

// Data sent by the monitored services (events, labels) is not a change to Driftwatch's setup: not audited.
const UNAUDITED = new Set(["/api/v1/predictions", "/api/v1/labels"]);
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Wraps a route handler so every thrown error leaves through the one error contract, and every successful
 * change (any method but GET/HEAD/OPTIONS, outside ingest) is written to the audit log with who made it.
 */
export function route<P extends Record<string, string>>(
  fn: (request: Request, ctx: RouteContext<P>) => Promise<Response>,
) {
  return async (request: Request, ctx: RouteContext<P>): Promise<Response> => {
    let response: Response;
    try {
      await checkParams(ctx);
      response = await fn(request, ctx);
    } catch (err) {
      return toErrorResponse(err);
    }
    const method = request.method.toUpperCase();
    if (!SAFE.has(method) && response.status < 400) {
      const path = new URL(request.url).pathname;
      if (!UNAUDITED.has(path)) await audit(actorOf(principalOf(request)), `${method} ${path}`, null, { status: response.status });
    }
    return response;
  };
}

/**
 * Path ids with NUL, U+001C–U+001F or unpaired surrogates are refused before any handler runs: the database cannot
 * hold them (a NUL made PostgreSQL fail the query), and the same rule already refuses them in bodies.
 */
async function checkParams(ctx: RouteContext<Record<string, string>> | undefined) {
  const params = (await ctx?.params) ?? {};
  for (const [name, value] of Object.entries(params as Record<string, string | string[]>)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v === "string" && v !== safeText(v)) {
        throw new ApiError(400, "invalid_path", `The path's ${name} ${UNSAFE_TEXT_MESSAGE}.`);
      }
    }
  }
}

/** Reads a small JSON body (model definitions and the like): 415 for other content types, 400 when it does not parse. */
export async function readJsonBody(request: Request, limit = 1024 * 1024, { optional = false } = {}): Promise<unknown> {
  if (bodyKind(request) !== "json") {
    throw new ApiError(415, "unsupported_media_type", "This endpoint takes application/json.");
  }
  const text = await readBodyText(request, limit);
  // `optional`: no body at all (curl -X POST sends none, and no Content-Length either) reads as undefined
  if (optional && text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "malformed_json", `The body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The other methods of a route the proxy does not see (those that stream large bodies, proxy.ts): 405 in the error
 * contract with `Allow`, after the same 401 any handler gives a request without credentials. Marked `notAllowed`
 * so the route-table test does not count them as methods the route answers.
 */
export function methodNotAllowed(allowed: readonly string[]) {
  const handler = route(async (request) => {
    await authenticate(request);
    return errorResponse(405, "method_not_allowed", `This route answers ${allowed.join(", ")}, not ${request.method}.`, undefined, {
      allow: [...allowed, "OPTIONS"].join(", "),
    });
  });
  return Object.assign(handler, { notAllowed: true as const });
}
