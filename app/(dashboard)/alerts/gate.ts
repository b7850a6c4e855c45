import "server-only";

/** Placeholder until the dashboard's sign-in gate lands. */
export async function requireEditor(): Promise<void> {
  throw new Error("not wired");
}
