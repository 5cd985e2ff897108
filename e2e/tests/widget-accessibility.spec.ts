import { axeViolations } from "./fixtures/axe";
import { expect, test } from "./fixtures/plugboard";

// axe-core on every screen a person meets, in both colour schemes (contrast differs):
// no finding of any impact, not only the serious ones.
for (const mode of ["light", "dark"] as const) {
  test.describe(`Accessibility, ${mode}`, () => {
    test.use({ colorScheme: mode });

    test("the app list, the forms, the result prompts, the account list and its confirmation", async ({
      page,
      host,
      api,
      unique,
    }) => {
      const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-a11y"), allow_disconnect: true });
      await host.openHostSite(link_token);
      await expect(host.app("Sandbox HR")).toBeVisible();
      expect(await axeViolations(page), "app list").toEqual([]);

      await host.app("Sandbox Helpdesk").click();
      await expect(page.getByLabel("Helpdesk subdomain")).toBeVisible();
      expect(await axeViolations(page), "form before an OAuth popup").toEqual([]);
      await page.getByRole("button", { name: "Back", exact: true }).click();

      await host.app("Sandbox HR").click();
      await expect(page.getByLabel("API key")).toBeVisible();
      expect(await axeViolations(page), "API-key form").toEqual([]);
      await page.getByLabel("API key").fill("not-a-sandbox-key");
      await page.getByRole("button", { name: "Connect", exact: true }).click();
      await expect(host.prompt("Not verified")).toBeVisible();
      expect(await axeViolations(page), "failure prompt").toEqual([]);

      await page.getByRole("button", { name: "Back to apps" }).click();
      await host.connectWithApiKey("Sandbox HR", "sk_sandbox_amy");
      await expect(host.prompt("Connected")).toBeVisible();
      expect(await axeViolations(page), "success prompt").toEqual([]);

      await page.getByRole("button", { name: "Back to apps" }).click();
      await expect(page.getByRole("region", { name: "Your connected accounts" })).toBeVisible();
      expect(await axeViolations(page), "account list").toEqual([]);
      await page.getByRole("button", { name: "Disconnect" }).first().click();
      await expect(page.getByRole("button", { name: "Cancel" })).toBeVisible();
      expect(await axeViolations(page), "confirmation").toEqual([]);
    });

    test("waiting for the sign-in window", async ({ page, host, api, unique }) => {
      const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-a11y") });
      await host.openHostSite(link_token);
      const login = await host.startOAuth("Sandbox CRM");
      await expect(page.getByRole("button", { name: "Show the window" })).toBeVisible();
      expect(await axeViolations(page), "waiting screen").toEqual([]);
      await login.close();
    });

    test("the hosted connect page", async ({ page, api, unique }) => {
      const { connect_url } = await api.createLinkToken({ tenant_id: unique("tenant-a11y") });
      await page.goto(connect_url);
      await expect(page.getByRole("button", { name: "Sandbox CRM", exact: true })).toBeVisible();
      expect(await axeViolations(page, "page"), "hosted page").toEqual([]);
    });
  });
}
