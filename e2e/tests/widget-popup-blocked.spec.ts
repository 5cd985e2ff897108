import { expect, sandboxIdentity, test } from "./fixtures/plugboard";
import { SandboxLogin } from "./fixtures/sandbox-login";

declare global {
  interface Window {
    allowPopups?: boolean;
  }
}

test("a blocked popup is reported, and the prompt's button opens it from a fresh click", async ({
  page,
  host,
  api,
  unique,
}) => {
  // What a popup blocker does: window.open answers null.
  await page.addInitScript(() => {
    const open = window.open;
    window.open = function (...args: Parameters<typeof window.open>) {
      return window.allowPopups ? open.apply(this, args) : null;
    };
  });
  const username = unique("bo");
  const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-blocked") });
  await host.openHostSite(link_token);

  await host.app("Sandbox CRM").click();
  expect(await host.outcome()).toEqual({
    name: "did-fail-authorization",
    payload: { app: "sandbox-crm", reason: "popup_blocked" },
  });
  await expect(host.prompt("Not connected")).toBeVisible();

  await page.evaluate(() => (window.allowPopups = true));
  const popup = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Open the sign-in window" }).click();
  await new SandboxLogin(await popup).allowAs(username);

  await expect
    .poll(async () => (await host.events()).find((e) => e.name === "did-add-authorization")?.payload)
    .toMatchObject({ identity: sandboxIdentity(username), app: "sandbox-crm" });
  await expect(host.prompt("Connected")).toBeVisible();
});
