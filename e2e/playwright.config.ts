import { defineConfig } from "@playwright/test";

import { chromiumLaunchOptions, hostOrigin, hostPort, paths, serverEnvironment, serverUrl } from "./env";

/**
 * The real server and Debian's Chromium; a second origin (the "host site") embeds the
 * widget the way a customer's web app does. See ARCHITECTURE.md, "Where to add things".
 */
export default defineConfig({
  testDir: "./tests",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A flaky story is a bug to fix, not to retry away.
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [["list"]],
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: serverUrl,
    // A missing button should fail its test in seconds, not at the test timeout.
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions,
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    {
      command: JSON.stringify(paths.serverBin),
      cwd: paths.repoRoot,
      env: serverEnvironment(),
      url: `${serverUrl}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
    },
    {
      command: "node host-site/server.mjs",
      cwd: paths.e2eDir,
      env: { E2E_HOST_PORT: String(hostPort), E2E_SERVER_URL: serverUrl },
      url: `${hostOrigin}/healthz`,
      reuseExistingServer: false,
      timeout: 15_000,
    },
  ],
});
