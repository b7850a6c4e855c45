import { getDb, Prisma } from "../db/client";
import type { Principal } from "./authorize";

/** How a principal appears in the audit log. */
export function actorOf(principal: Principal | null): string {
  if (!principal) return "anonymous";
  if (principal.kind === "admin_token") return "admin token";
  if (principal.kind === "api_key") return `key:${principal.prefix}`;
  return `user:${principal.email}`;
}

/** Records one change. Never throws: a failed audit write is logged, not turned into a failed change. */
export async function audit(actor: string, action: string, target?: string | null, detail?: Record<string, unknown>): Promise<void> {
  try {
    await getDb().auditEntry.create({
      data: { actor, action, target: target ?? null, detail: detail === undefined ? Prisma.JsonNull : (detail as Prisma.InputJsonValue) },
    });
  } catch (err) {
    console.error("[driftwatch] audit write failed:", err);
  }
}

export type AuditView = { id: string; at: string; actor: string; action: string; target: string | null; detail: unknown };

/** The newest entries first; `before` pages back by id. */
export async function listAudit({ limit = 50, before }: { limit?: number; before?: string } = {}): Promise<AuditView[]> {
  const rows = await getDb().auditEntry.findMany({
    where: before && /^\d+$/.test(before) ? { id: { lt: BigInt(before) } } : undefined,
    orderBy: { id: "desc" },
    take: Math.min(Math.max(limit, 1), 500),
  });
  return rows.map((r) => ({ id: r.id.toString(), at: r.at.toISOString(), actor: r.actor, action: r.action, target: r.target, detail: r.detail }));
}
