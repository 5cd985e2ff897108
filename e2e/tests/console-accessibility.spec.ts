import type { Page } from "@playwright/test";

import { axeViolations } from "./fixtures/axe";
import { ConsolePage, type Operator, connectOnDemoPage, createOperator } from "./fixtures/console";
import { expect, test } from "./fixtures/plugboard";

/** Waits until the screen's data is on it: nothing says "Loading" any more. */
async function settled(page: Page) {
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText(/^Loading /)).toHaveCount(0);
}

test.describe("The console's accessibility", () => {
  let admin: Operator;
  let accountId: string;

  test.beforeAll(async ({ browser }) => {
    admin = createOperator("admin");
    accountId = await connectOnDemoPage(browser, `tenant-axe-${Date.now()}`, `erin-${Date.now()}`);
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`every screen is axe-clean in the ${scheme} theme`, async ({ page, unique }) => {
      // Fourteen axe scans, the apps screen's with a whole catalog: ~30 s on a quiet
      // machine, over the default 60 s on a busy CI runner.
      test.slow();
      await page.emulateMedia({ colorScheme: scheme });
      const screen = new ConsolePage(page);
      const findings: Record<string, string[]> = {};
      const check = async (name: string) => {
        findings[name] = await axeViolations(page, "page");
      };

      await screen.open();
      await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
      await check("sign in");
      await screen.fillSignIn(admin.email, "not-the-password");
      await expect(page.getByRole("alert").filter({ hasText: /\w/ })).toBeVisible();
      await check("sign in, refused");
      await screen.fillSignIn(admin.email, admin.password);
      await expect(screen.signOutButton).toBeVisible();

      for (const [name, hash] of [
        ["accounts", "#/accounts"],
        ["account", `#/accounts/${accountId}`],
        ["links", "#/links"],
        ["apps", "#/apps"],
        ["webhooks", "#/webhooks"],
        ["keys", "#/keys"],
        ["audit", "#/audit"],
        ["not found", "#/nowhere"],
      ]) {
        await screen.open(hash);
        await settled(page);
        await check(name);
      }

      // The states that only appear after an action.
      await screen.open(`#/accounts/${accountId}`);
      await settled(page);
      await screen.button("Re-verify").click();
      await expect(screen.status("Re-verified")).toBeVisible();
      await check("account, re-verified");
      await screen.button("Delete").click();
      await expect(page.getByRole("dialog")).toBeVisible();
      await check("account, delete dialog");
      await page.keyboard.press("Escape");

      await screen.open("#/links");
      await page.getByLabel("Customer id (tenant)").fill(unique("tenant-axe"));
      await screen.button("Create link").click();
      await expect(page.getByLabel("Connect URL")).toBeVisible();
      await settled(page);
      await check("links, created");

      await screen.open("#/keys");
      await page.getByLabel("Label").fill(unique("axe-key"));
      await screen.button("Create key").click();
      await expect(page.getByRole("textbox", { name: "API key" })).toBeVisible();
      await settled(page);
      await check("keys, created");

      expect(findings).toEqual(Object.fromEntries(Object.keys(findings).map((name) => [name, []])));
    });
  }

  test("every screen fits a 320 px wide phone: only tables scroll sideways, in their own box", async ({ page }) => {
    await page.setViewportSize({ width: 320, height: 640 });
    const screen = new ConsolePage(page);
    await screen.open();
    await screen.signIn(admin);
    const widths: Record<string, number> = {};
    for (const hash of ["#/accounts", `#/accounts/${accountId}`, "#/links", "#/apps", "#/webhooks", "#/keys", "#/audit"]) {
      await screen.open(hash);
      await settled(page);
      widths[hash] = await page.evaluate(() => document.documentElement.scrollWidth);
    }
    expect(widths).toEqual(Object.fromEntries(Object.keys(widths).map((hash) => [hash, 320])));
  });

  test("everything works from the keyboard, with focus where it should be", async ({ page }) => {
    const screen = new ConsolePage(page);
    await screen.open();
    await screen.signIn(admin);
    // The form that had focus is gone: the first screen's heading takes it.
    await expect(screen.heading).toBeFocused();

    // On a fresh load, the first Tab reaches the skip link, which moves focus to the content.
    await page.reload();
    await expect(screen.heading).toBeVisible();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("main")).toBeFocused();
    await expect(page).toHaveURL(/\/console(#\/accounts)?$/);

    // Following a navigation link puts focus on the new screen's heading.
    await screen.navLink("Auth links").focus();
    await page.keyboard.press("Enter");
    await expect(screen.heading).toHaveText("Auth links");
    await expect(screen.heading).toBeFocused();
    await expect(screen.navLink("Auth links")).toHaveAttribute("aria-current", "page");

    // The delete dialog: focus starts on Cancel, Escape closes it, focus returns.
    await screen.open(`#/accounts/${accountId}`);
    await screen.button("Delete").focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Delete this account?" });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(screen.button("Delete")).toBeFocused();
  });
});
