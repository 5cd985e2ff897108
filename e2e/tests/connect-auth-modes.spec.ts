import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

test.describe("Each auth mode decides whether the widget opens a popup or asks in a form", () => {
  test("a basic-auth app takes a username and password and is verified with them", async ({ host, api, unique }) => {
    const tenant = unique("tenant-tickets");
    const name = unique("frank");

    await host.openDemo(tenant);
    await host.connectWithForm("Sandbox Tickets", { Username: name, Password: "sandbox" });

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-add-authorization");
    expect(outcome.payload).toMatchObject({ identity: sandboxIdentity(name), app: "sandbox-tickets" });
    const accounts = await api.integratedAccounts(tenant);
    expect(accounts[0]).toMatchObject({ app: "sandbox-tickets", status: "verified" });
  });

  test("a client-credentials app exchanges the typed id and secret for a token", async ({ host, unique }) => {
    const client = unique("payroll-bot");

    await host.openDemo(unique("tenant-payroll"));
    await host.connectWithForm("Sandbox Payroll", { "Client ID": client, "Client secret": "sandbox-secret" });

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-add-authorization");
    expect(outcome.payload).toMatchObject({ identity: sandboxIdentity(client), app: "sandbox-payroll" });
  });

  test("a provider on the customer's own subdomain asks for it before the popup", async ({ host, unique }) => {
    const name = unique("gina");

    await host.openDemo(unique("tenant-helpdesk"));
    const login = await host.startOAuthWithForm("Sandbox Helpdesk", { "Helpdesk subdomain": "acme-eu" });
    await login.allowAs(name);

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-add-authorization");
    expect(outcome.payload).toMatchObject({ identity: `${name}@acme-eu.sandbox.example`, app: "sandbox-helpdesk" });
  });
});
