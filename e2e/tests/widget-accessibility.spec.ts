import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

import { expect, test } from "./fixtures/plugboard";

/** axe's serious and critical findings on the page, widget included (it pierces shadow roots). */
async function serious(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

for (const mode of ["light", "dark"] as const) {
  test.describe(`Accessibility, ${mode}`, () => {
    test.use({ colorScheme: mode });

    test("result prompts, the account list and its confirmation", async ({ page, host, api, unique }) => {
      const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-a11y"), allow_disconnect: true });
      await host.openHostSite(link_token);
      await expect(host.app("Sandbox HR")).toBeVisible();
      expect(await serious(page), "app list").toEqual([]);

      await host.connectWithApiKey("Sandbox HR", "not-a-sandbox-key");
      await expect(host.prompt("Not verified")).toBeVisible();
      expect(await serious(page), "failure prompt").toEqual([]);

      await page.getByRole("button", { name: "Back to apps" }).click();
      await host.connectWithApiKey("Sandbox HR", "sk_sandbox_amy");
      await expect(host.prompt("Connected")).toBeVisible();
      expect(await serious(page), "success prompt").toEqual([]);

      await page.getByRole("button", { name: "Back to apps" }).click();
      await expect(page.getByRole("region", { name: "Your connected accounts" })).toBeVisible();
      expect(await serious(page), "account list").toEqual([]);
      await page.getByRole("button", { name: "Disconnect" }).first().click();
      await expect(page.getByRole("button", { name: "Cancel" })).toBeVisible();
      expect(await serious(page), "confirmation").toEqual([]);
    });

    test("the hosted connect page", async ({ page, api, unique }) => {
      const { connect_url } = await api.createLinkToken({ tenant_id: unique("tenant-a11y") });
      await page.goto(connect_url);
      await expect(page.getByRole("button", { name: "Sandbox CRM", exact: true })).toBeVisible();
      expect(await serious(page), "hosted page").toEqual([]);
    });
  });
}
