import { authorize, hasScope } from "../../auth/authorize";

/** Channel and silence routes: reading needs `read`, changing needs `admin`; only admins see channel secrets. */
export async function authorizeRead(request: Request): Promise<{ reveal: boolean }> {
  const principal = await authorize(request, "read");
  return { reveal: hasScope(principal, "admin") };
}

export async function authorizeWrite(request: Request): Promise<void> {
  await authorize(request, "admin");
}
