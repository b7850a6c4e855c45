/** The admin token the e2e server is started with (playwright.config.ts passes it to the app). */
export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789";
