import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

test.describe("Connecting Sandbox CRM (OAuth2 in a popup) from the demo page", () => {
  test("a customer signs in at the provider and the host page learns the verified account", async ({
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-crm");
    const username = unique("alice");

    await host.openDemo(tenant);
    const login = await host.startOAuth("Sandbox CRM");
    await login.allowAs(username);

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-add-authorization");
    expect(outcome.payload).toMatchObject({
      identity: sandboxIdentity(username),
      alreadyExists: false,
      app: "sandbox-crm",
    });
    expect(outcome.payload.authorizationId).toEqual(expect.any(Number));
    expect(outcome.payload.accountId).toMatch(/^acc_/);
    await expect(host.prompt("Connected")).toBeVisible();

    const accounts = await api.integratedAccounts(tenant);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      account_id: outcome.payload.accountId,
      authorization_id: outcome.payload.authorizationId,
      tenant_id: tenant,
      app: "sandbox-crm",
      identity: sandboxIdentity(username),
      status: "verified",
    });
  });

  test("connecting the same provider account again updates it instead of adding a second one", async ({
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-crm-again");
    const username = unique("bob");

    await host.openDemo(tenant);
    await (await host.startOAuth("Sandbox CRM")).allowAs(username);
    const first = await host.outcome();
    expect(first.name).toBe("did-add-authorization");
    expect(first.payload.alreadyExists).toBe(false);

    // Later, the same person comes back and connects the same sandbox user.
    await host.openDemo(tenant);
    await (await host.startOAuth("Sandbox CRM")).allowAs(username);
    const second = await host.outcome();
    expect(second.name).toBe("did-add-authorization");
    expect(second.payload).toMatchObject({
      identity: sandboxIdentity(username),
      alreadyExists: true,
      accountId: first.payload.accountId,
      authorizationId: first.payload.authorizationId,
      app: "sandbox-crm",
    });

    const accounts = await api.integratedAccounts(tenant);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ account_id: first.payload.accountId, status: "verified" });
  });

  test("tokens the provider's API rejects are reported as a failed verification", async ({ host, api, unique }) => {
    const tenant = unique("tenant-crm-unverified");

    await host.openDemo(tenant);
    await (await host.startOAuth("Sandbox CRM")).allowAs("fail-verify");

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-fail-authorization-verification");
    expect(outcome.payload).toMatchObject({ alreadyExists: false, app: "sandbox-crm" });
    expect(outcome.payload.authorizationId).toEqual(expect.any(Number));
    expect(outcome.payload.accountId).toMatch(/^acc_/);
    await expect(host.prompt("could not be verified")).toBeVisible();

    const accounts = await api.integratedAccounts(tenant);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      account_id: outcome.payload.accountId,
      authorization_id: outcome.payload.authorizationId,
      app: "sandbox-crm",
      status: "verification_failed",
    });
  });
});
