import { defineConfig } from "@playwright/test";

import { chromiumLaunchOptions, serverUrl } from "./env";

/**
 * `cargo xtask bench` only: cold loads of the demo page against a server the xtask
 * started (E2E_SERVER_URL). Timing lives here, never in the e2e suite.
 */
export default defineConfig({
  testDir: "./bench",
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  timeout: 10 * 60_000,
  use: {
    baseURL: serverUrl,
    launchOptions: chromiumLaunchOptions,
  },
});
