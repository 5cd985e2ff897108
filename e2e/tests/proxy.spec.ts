import { expect, test } from "./fixtures/plugboard";

// What a host connects accounts for: its backend calls the provider's API with them.
test("a customer connects Sandbox CRM in the widget, then the host's backend pages through its records via the proxy", async ({
  host,
  api,
  unique,
}) => {
  const tenant = unique("tenant-proxy");
  const username = unique("rosa");

  await host.openDemo(tenant);
  const login = await host.startOAuth("Sandbox CRM");
  await login.allowAs(username);
  const outcome = await host.outcome();
  expect(outcome.name).toBe("did-add-authorization");
  const accountId = String(outcome.payload.accountId);

  const [account] = await api.integratedAccounts(tenant);
  expect(account.metadata.org_id).toMatch(/^org-/);

  const first = await api.proxy(accountId, "/records?page_size=20");
  expect(first.status).toBe(200);
  expect(first.headers["plugboard-error"]).toBeUndefined();
  expect(first.body.records).toHaveLength(20);
  expect(first.body.records[0].name).toBe(`Record 0 of ${username}`);

  const rest = await api.proxy(accountId, `/records?page_size=20&cursor=${first.body.next_cursor}`);
  expect(rest.body.records).toHaveLength(10);
  expect(rest.body.next_cursor).toBeNull();

  // The provider saw the account's token, never the host's API key.
  const echo = await api.proxy(accountId, "/echo");
  expect(echo.body.headers.authorization).toMatch(/^Bearer sbx\./);
  expect(echo.body.headers["x-sandbox-org"]).toBe(account.metadata.org_id);
});
