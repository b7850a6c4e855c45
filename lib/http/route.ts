import { ApiError, toErrorResponse } from "../errors";
import { bodyKind, readBodyText } from "./body";

/** Route params as Next.js passes them (a promise since Next 15). */
export type RouteContext<P extends Record<string, string> = Record<string, string>> = { params: Promise<P> };

/** Wraps a route handler so every thrown error leaves through the one error contract. */
export function route<P extends Record<string, string>>(
  fn: (request: Request, ctx: RouteContext<P>) => Promise<Response>,
) {
  return async (request: Request, ctx: RouteContext<P>): Promise<Response> => {
    try {
      return await fn(request, ctx);
    } catch (err) {
      return toErrorResponse(err);
    }
  };
}

/** Reads a small JSON body (model definitions and the like): 415 for other content types, 400 when it does not parse. */
export async function readJsonBody(request: Request, limit = 1024 * 1024): Promise<unknown> {
  if (bodyKind(request) !== "json") {
    throw new ApiError(415, "unsupported_media_type", "This endpoint takes application/json.");
  }
  const text = await readBodyText(request, limit);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, "malformed_json", `The body is not valid JSON: ${(err as Error).message}`);
  }
}
