import crypto from "node:crypto";
import { ZodError } from "zod";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "./db/unavailable";

/** The one error shape every endpoint returns: `{"error": {"code", "message", "details"?}}`. */
export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

/** An expected failure with an HTTP status and a stable snake_case code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const unprocessable = (message: string, details?: unknown) =>
  new ApiError(422, "invalid", message, details);

/** One zod issue as `{path: "features.amount", message}`, the form ingest rejections use too. */
export function zodIssues(err: ZodError, prefix: (string | number)[] = []) {
  return err.issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join("."),
    message: issue.message,
  }));
}

export function errorResponse(status: number, code: string, message: string, details?: unknown, headers?: HeadersInit) {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  return Response.json(body, { status, headers });
}

/** Maps anything thrown by a handler to the error contract; unknown errors are logged and never leak. */
export function toErrorResponse(err: unknown): Response {
  if (err instanceof ApiError) return errorResponse(err.status, err.code, err.message, err.details, err.headers);
  if (err instanceof ZodError) {
    return errorResponse(422, "invalid", "The request failed validation.", zodIssues(err));
  }
  const requestId = crypto.randomUUID();
  if (isDatabaseUnavailable(err)) {
    // The request failed as a whole (or, if the connection broke during COMMIT, may have been stored): a resend is
    // safe because writes are idempotent by id.
    console.error(`[driftwatch] request ${requestId}: the database is unavailable:`, (err as Error)?.message ?? err);
    return errorResponse(503, "database_unavailable", "The database is unavailable; send the request again later (events and labels are deduplicated by id, so a resend never doubles them).", undefined, {
      "retry-after": String(RETRY_AFTER_SECONDS),
      "x-request-id": requestId,
    });
  }
  console.error(`[driftwatch] request ${requestId} failed:`, err);
  return errorResponse(500, "internal", `Internal error; it was logged with request id ${requestId}.`, undefined, {
    "x-request-id": requestId,
  });
}
