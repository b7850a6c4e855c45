import type { Scope } from "./authorize";

/** Roles of people, matching the API key scopes. */
export const ROLES = ["viewer", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What a role may do, in API key scopes: viewer reads; editor also ingests (and edits alerting in the UI); admin all. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  viewer: ["read"],
  editor: ["read", "ingest"],
  admin: ["read", "ingest", "admin"],
};

export const isRole = (value: unknown): value is Role => typeof value === "string" && (ROLES as readonly string[]).includes(value);
