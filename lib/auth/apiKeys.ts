import crypto from "node:crypto";
import { z } from "zod";
import { clearAuthCache, newApiKeyToken, SCOPES } from "./authorize";
import { getDb } from "../db/client";

export const createApiKeyRequest = z.strictObject({
  name: z.string().min(1).max(100),
  scopes: z.array(z.enum(SCOPES)).min(1).max(3),
  /** optional: the key stops working then (must be in the future) */
  expiresAt: z.iso
    .datetime({ offset: true })
    .refine((t) => Date.parse(t) > Date.now(), "The expiry must be in the future.")
    .optional(),
});

export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  state: "active" | "expired" | "revoked";
};

type Row = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};
const view = (k: Row): ApiKeyView => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  createdBy: k.createdBy,
  expiresAt: k.expiresAt?.toISOString() ?? null,
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
  state: k.revokedAt ? "revoked" : k.expiresAt && k.expiresAt.getTime() <= Date.now() ? "expired" : "active",
});

/** Creates a key; the token is returned once and only its hash is kept. */
export async function createApiKey(input: z.infer<typeof createApiKeyRequest>, createdBy?: string): Promise<ApiKeyView & { token: string }> {
  const { token, prefix, hash } = newApiKeyToken();
  const row = await getDb().apiKey.create({
    data: {
      id: crypto.randomUUID(),
      name: input.name,
      prefix,
      hash,
      scopes: [...new Set(input.scopes)],
      expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
      createdBy: createdBy ?? null,
    },
  });
  return { ...view(row), token };
}

export async function listApiKeys(): Promise<ApiKeyView[]> {
  return (await getDb().apiKey.findMany({ orderBy: { createdAt: "asc" } })).map(view);
}

/** Revokes a key (kept for the audit trail); false when there is no such active key. */
export async function revokeApiKey(id: string): Promise<boolean> {
  const { count } = await getDb().apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  clearAuthCache();
  return count > 0;
}
