import { randomBytes } from "node:crypto";
import path from "node:path";

import type { Page } from "@playwright/test";

import { ConsolePage, type Operator, connectOnDemoPage, createOperator } from "./fixtures/console";
import { expect, test } from "./fixtures/plugboard";

// Pictures of the console for the README, refreshed by every e2e run. One tenant with a
// verified account and one whose verification failed, so the list shows both badges.
const dir = path.join(__dirname, "..", "screenshots");
const wide = { width: 1280, height: 800 };
const phone = { width: 320, height: 640 };

test.describe("Console screenshots", () => {
  let admin: Operator;
  let tenant: string;
  let accountId: string;

  test.beforeAll(async ({ browser }) => {
    admin = createOperator("admin");
    // Short names, as real ones are; the tenant alone keeps runs apart.
    tenant = `acme-${randomBytes(2).toString("hex")}`;
    accountId = await connectOnDemoPage(browser, tenant, "alice");
    await connectOnDemoPage(browser, tenant, "fail-verify");
  });

  async function signedIn(page: Page, hash: string) {
    const screen = new ConsolePage(page);
    await screen.open(hash);
    await screen.signIn(admin);
    return screen;
  }

  test("console-sign-in.png", async ({ page }) => {
    await page.setViewportSize(wide);
    await new ConsolePage(page).open();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await page.screenshot({ path: path.join(dir, "console-sign-in.png") });
  });

  for (const [name, scheme, viewport] of [
    ["console-accounts-light.png", "light", wide],
    ["console-accounts-dark.png", "dark", wide],
    ["console-accounts-mobile.png", "light", phone],
  ] as const) {
    test(name, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      const screen = await signedIn(page, "#/accounts");
      await screen.filterByTenant(tenant);
      await expect(screen.accountRows()).toHaveCount(2);
      await screen.imagesLoaded();
      await page.screenshot({ path: path.join(dir, name), fullPage: viewport === phone });
    });
  }

  for (const [name, scheme, viewport] of [
    ["console-account-light.png", "light", wide],
    ["console-account-dark.png", "dark", wide],
    ["console-account-mobile.png", "dark", phone],
  ] as const) {
    test(name, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme: scheme });
      const screen = await signedIn(page, `#/accounts/${accountId}`);
      await screen.button("Re-verify").click();
      await expect(screen.status("Re-verified")).toBeVisible();
      await screen.imagesLoaded();
      await page.screenshot({ path: path.join(dir, name), fullPage: true });
    });
  }

  test("console-links-light.png", async ({ page }) => {
    await page.setViewportSize(wide);
    const screen = await signedIn(page, "#/links");
    await page.getByLabel("Customer id (tenant)").fill(tenant);
    await page.getByLabel("Owner name (optional)").fill("Acme Corp");
    await page.getByLabel("Username (optional)").fill("it@acme.example");
    await screen.button("Create link").click();
    await expect(page.getByLabel("Connect URL")).toBeVisible();
    await page.screenshot({ path: path.join(dir, "console-links-light.png"), fullPage: true });
  });

  test("console-apps-dark.png", async ({ page }) => {
    await page.setViewportSize(wide);
    await page.emulateMedia({ colorScheme: "dark" });
    const screen = await signedIn(page, "#/apps");
    await expect(page.getByRole("heading", { name: "Catalog" })).toBeVisible();
    await screen.imagesLoaded();
    await page.screenshot({ path: path.join(dir, "console-apps-dark.png") });
  });

  test("console-webhooks-light.png", async ({ page }) => {
    await page.setViewportSize(wide);
    await signedIn(page, "#/webhooks");
    await expect(page.getByText(/^Loading /)).toHaveCount(0);
    await page.screenshot({ path: path.join(dir, "console-webhooks-light.png") });
  });
});
