import crypto from "node:crypto";
import type { z } from "zod";
import { getDb } from "../../db/client";
import { notFound } from "../../errors";
import { compileMatcher } from "./matchers";
import type { Matcher } from "./types";
import type { createSilenceRequest } from "./validation";

export type SilenceState = "active" | "pending" | "expired";
export type SilenceView = {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
  state: SilenceState;
};

type Row = { id: string; matchers: unknown; startsAt: Date; endsAt: Date; createdBy: string; comment: string; createdAt: Date };

export function silenceState(s: { startsAt: Date; endsAt: Date }, now = new Date()): SilenceState {
  if (s.endsAt.getTime() <= now.getTime()) return "expired";
  return s.startsAt.getTime() <= now.getTime() ? "active" : "pending";
}

const view = (r: Row, now: Date): SilenceView => ({
  id: r.id,
  matchers: r.matchers as Matcher[],
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt.toISOString(),
  createdBy: r.createdBy,
  comment: r.comment,
  createdAt: r.createdAt.toISOString(),
  state: silenceState(r, now),
});

export async function createSilence(input: z.infer<typeof createSilenceRequest>): Promise<SilenceView> {
  const row = await getDb().silence.create({
    data: {
      id: `si_${crypto.randomBytes(9).toString("base64url")}`,
      matchers: input.matchers,
      startsAt: input.startsAt ? new Date(input.startsAt) : new Date(),
      endsAt: new Date(input.endsAt),
      createdBy: input.createdBy ?? "",
      comment: input.comment ?? "",
    },
  });
  return view(row, new Date());
}

/** Silences, newest first; `state` filters. Expired ones are kept for a week, then listed no more. */
export async function listSilences(state?: SilenceState, now = new Date()): Promise<SilenceView[]> {
  const rows = await getDb().silence.findMany({
    where: { endsAt: { gt: new Date(now.getTime() - 7 * 86400_000) } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((r) => view(r, now)).filter((s) => !state || s.state === state);
}

export async function getSilence(id: string): Promise<SilenceView> {
  const row = await getDb().silence.findUnique({ where: { id } });
  if (!row) throw notFound(`No silence '${id}'.`);
  return view(row, new Date());
}

/** Expires a silence now (kept in the list as expired, as Alertmanager does). */
export async function expireSilence(id: string, now = new Date()): Promise<SilenceView> {
  const row = await getDb().silence.findUnique({ where: { id } });
  if (!row) throw notFound(`No silence '${id}'.`);
  if (row.endsAt.getTime() <= now.getTime()) return view(row, now);
  const updated = await getDb().silence.update({
    where: { id },
    data: { endsAt: now, ...(row.startsAt.getTime() > now.getTime() ? { startsAt: now } : {}) },
  });
  return view(updated, now);
}

/** A predicate: which silence (id) mutes these labels at `now`, or null. Reads the active silences once. */
export async function silencer(now = new Date()): Promise<(labels: Record<string, string>) => string | null> {
  const rows = await getDb().silence.findMany({ where: { startsAt: { lte: now }, endsAt: { gt: now } } });
  const compiled = rows.map((r) => ({ id: r.id, tests: (r.matchers as Matcher[]).map(compileMatcher) }));
  return (labels) => compiled.find((s) => s.tests.every((t) => t(labels)))?.id ?? null;
}
