import { expect, sandboxIdentity, test } from "./fixtures/plugboard";
import { SandboxLogin } from "./fixtures/sandbox-login";

test.describe("Connected accounts in the widget", () => {
  test("reconnect keeps the account; disconnect asks, removes it and tells the host", async ({
    page,
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-accounts");
    const username = unique("ana");
    const { link_token } = await api.createLinkToken({ tenant_id: tenant, allow_disconnect: true });
    await host.openHostSite(link_token);
    await (await host.startOAuth("Sandbox CRM")).allowAs(username);
    const first = await host.outcome();
    expect(first.name).toBe("did-add-authorization");
    await page.getByRole("button", { name: "Back to apps" }).click();

    const accounts = page.getByRole("region", { name: "Your connected accounts" });
    await expect(accounts).toContainText(sandboxIdentity(username));

    // Reconnect: the same account, signed in again.
    const popup = page.waitForEvent("popup");
    await accounts.getByRole("button", { name: "Reconnect" }).click();
    await new SandboxLogin(await popup).allowAs(username);
    await expect
      .poll(async () => (await host.events()).filter((e) => e.name === "did-add-authorization").length)
      .toBe(2);
    const again = (await host.events()).filter((e) => e.name === "did-add-authorization")[1];
    expect(again.payload).toMatchObject({
      accountId: first.payload.accountId,
      authorizationId: first.payload.authorizationId,
      alreadyExists: true,
    });
    await page.getByRole("button", { name: "Back to apps" }).click();

    // Disconnect: a question first, then the account is gone.
    await accounts.getByRole("button", { name: "Disconnect" }).click();
    await expect(page.getByText(`Disconnect ${sandboxIdentity(username)} from Sandbox CRM?`)).toBeVisible();
    await expect(page.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.getByRole("button", { name: "Disconnect" }).click();

    await expect
      .poll(async () => (await host.events()).find((e) => e.name === "did-remove-authorization")?.payload)
      .toEqual({ accountId: first.payload.accountId, authorizationId: first.payload.authorizationId, app: "sandbox-crm" });
    await expect(page.getByText("Sandbox CRM was disconnected.")).toBeVisible();
    await expect(accounts).toBeHidden();
    expect(await api.integratedAccounts(tenant)).toHaveLength(0);
  });

  test("without the host's permission there is no Disconnect", async ({ page, host, api, unique }) => {
    const tenant = unique("tenant-accounts");
    const { link_token } = await api.createLinkToken({ tenant_id: tenant });
    await host.openHostSite(link_token);
    await host.connectWithApiKey("Sandbox HR", "sk_sandbox_lee");
    await expect(host.prompt("Connected")).toBeVisible();
    await page.getByRole("button", { name: "Back to apps" }).click();

    const accounts = page.getByRole("region", { name: "Your connected accounts" });
    await expect(accounts.getByRole("button", { name: "Reconnect" })).toBeVisible();
    await expect(accounts.getByRole("button", { name: "Disconnect" })).toHaveCount(0);
  });
});
