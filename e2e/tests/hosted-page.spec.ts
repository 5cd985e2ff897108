import { hostOrigin } from "../env";
import { expect, test } from "./fixtures/plugboard";

test.describe("The hosted connect page (a link the host sends to its customer)", () => {
  test("connecting there says so, then returns the person to the host with the account id", async ({
    page,
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-hosted");
    const { connect_url } = await api.createLinkToken({
      tenant_id: tenant,
      redirect_uri: `${hostOrigin}/connected`,
    });

    // Hold the way back to the host until we have seen the confirmation: until the
    // redirect's response arrives, the hosted page stays on screen.
    let confirmationSeen!: () => void;
    const seen = new Promise<void>((resolve) => (confirmationSeen = resolve));
    await page.route(
      (url) => url.origin === hostOrigin && url.pathname === "/connected",
      async (route) => {
        await seen;
        await route.continue();
      },
    );

    await page.goto(connect_url);
    await (await host.startOAuth("Sandbox CRM")).allowAs(unique("erin"));
    await expect(host.prompt("Connected")).toBeVisible();
    confirmationSeen();

    await page.waitForURL((url) => url.origin === hostOrigin && url.pathname === "/connected");
    const accountId = new URL(page.url()).searchParams.get("account_id");
    expect(accountId).toMatch(/^acc_/);

    const accounts = await api.integratedAccounts(tenant);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ account_id: accountId, app: "sandbox-crm", status: "verified" });
  });
});
