import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

test.describe("Connecting Sandbox HR with an API key typed into the widget", () => {
  test("a valid key is verified and the host page learns the account", async ({ host, api, unique }) => {
    const tenant = unique("tenant-hr");
    const name = unique("carol");

    await host.openDemo(tenant);
    await host.connectWithApiKey("Sandbox HR", `sk_sandbox_${name}`);

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-add-authorization");
    expect(outcome.payload).toMatchObject({
      identity: sandboxIdentity(name),
      alreadyExists: false,
      app: "sandbox-hr",
    });
    expect(outcome.payload.authorizationId).toEqual(expect.any(Number));
    expect(outcome.payload.accountId).toMatch(/^acc_/);
    await expect(host.prompt("Connected")).toBeVisible();

    const accounts = await api.integratedAccounts(tenant);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      account_id: outcome.payload.accountId,
      authorization_id: outcome.payload.authorizationId,
      app: "sandbox-hr",
      identity: sandboxIdentity(name),
      status: "verified",
    });
  });

  test("a key the provider rejects is reported as a failed verification", async ({ host, unique }) => {
    await host.openDemo(unique("tenant-hr-bad-key"));
    await host.connectWithApiKey("Sandbox HR", "not-a-sandbox-key");

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-fail-authorization-verification");
    expect(outcome.payload).toMatchObject({ app: "sandbox-hr" });
    await expect(host.prompt("could not be verified")).toBeVisible();
  });
});
