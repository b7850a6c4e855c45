/** The admin token the e2e server is started with (playwright.config.ts passes it to the app). */
export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789";

/** The first dashboard admin the e2e server creates at start (playwright.config.ts passes these to the app). */
export const E2E_ADMIN_EMAIL = "e2e-admin@driftwatch.test";
export const E2E_ADMIN_PASSWORD = "e2e-admin-password-0123";
/** Where the "setup" project keeps the admin's signed-in browser state for every other spec. */
export const ADMIN_STATE = "test-results/.auth/admin.json";
