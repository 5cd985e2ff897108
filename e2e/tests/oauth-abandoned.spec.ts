import { expect, test } from "./fixtures/plugboard";

test.describe("A customer who does not finish the provider's login", () => {
  test("denying access at the provider tells the host page the attempt was cancelled", async ({
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-deny");

    await host.openDemo(tenant);
    const login = await host.startOAuth("Sandbox CRM");
    await login.deny();

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-fail-authorization");
    expect(outcome.payload).toMatchObject({ app: "sandbox-crm", reason: "cancelled" });
    expect(await api.integratedAccounts(tenant)).toEqual([]);
  });

  test("closing the popup before signing in tells the host page the popup was closed", async ({
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-close");

    await host.openDemo(tenant);
    const login = await host.startOAuth("Sandbox CRM");
    await expect(login.username).toBeVisible();
    await login.close();

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-fail-authorization");
    expect(outcome.payload).toMatchObject({ app: "sandbox-crm", reason: "popup_closed" });
    expect(await api.integratedAccounts(tenant)).toEqual([]);
  });
});
