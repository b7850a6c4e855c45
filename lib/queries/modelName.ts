import "server-only";
import { getDb } from "../db/client";

/** A model's display name (its id when it has none, or when there is no such model): the pages' trail and titles. */
export async function modelName(id: string): Promise<string> {
  const row = await getDb().model.findUnique({ where: { id }, select: { name: true } });
  return row?.name || id;
}
