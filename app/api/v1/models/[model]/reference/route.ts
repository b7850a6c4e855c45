import { authorize } from "@/lib/auth/authorize";
import { config } from "@/lib/config";
import { methodNotAllowed, readJsonBody, route } from "@/lib/http/route";
import { bodyKind, streamNdjson, type RawItem } from "@/lib/http/body";
import { modelId, versionName } from "@/lib/domain/ids";
import { fromWindowRequest, referenceFromWindow, uploadReferenceRows } from "@/lib/models/references/upload";
import { z } from "zod";

export const dynamic = "force-dynamic";
type Params = { model: string };

const version = versionName.optional();
const jsonUpload = z.strictObject({ version, rows: z.array(z.unknown()) });

/**
 * PUT /api/v1/models/{model}/reference — replaces the reference with NDJSON rows (streamed; `?version=`),
 * `{"version"?, "rows": [...]}`, or `{"fromWindow": {"from", "to", "version"?}}`.
 */
export const PUT = route<Params>(async (request, { params }) => {
  await authorize(request, ["ingest", "admin"]);
  const id = modelId.parse((await params).model);
  const cfg = config();
  if (bodyKind(request) === "ndjson") {
    const v = version.parse(new URL(request.url).searchParams.get("version") ?? undefined);
    return Response.json(await uploadReferenceRows(id, v, streamNdjson(request.body, { maxLineBytes: cfg.maxLineBytes, maxBytes: cfg.maxReferenceBytes }), cfg.maxReferenceRows));
  }
  const body = await readJsonBody(request, cfg.maxReferenceJsonBytes);
  if (body !== null && typeof body === "object" && "fromWindow" in body) {
    return Response.json(await referenceFromWindow(id, fromWindowRequest.parse(body), cfg.maxReferenceRows));
  }
  const upload = jsonUpload.parse(body);
  const items: RawItem[] = upload.rows.map((value, index) => ({ index, value }));
  return Response.json(await uploadReferenceRows(id, upload.version, items, cfg.maxReferenceRows));
});

// The proxy does not see this route (it streams large bodies, proxy.ts), so its other methods answer here.
export const GET = methodNotAllowed(["PUT"]);
export const POST = methodNotAllowed(["PUT"]);
export const PATCH = methodNotAllowed(["PUT"]);
export const DELETE = methodNotAllowed(["PUT"]);
