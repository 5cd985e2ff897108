import { hostOrigin } from "../env";
import { expect, sandboxIdentity, test } from "./fixtures/plugboard";
import { SandboxLogin } from "./fixtures/sandbox-login";

// For browsers where popups fail (in-app webviews): the page itself goes to the provider
// and comes back; the widget on the returning page reports the outcome.
test("redirect mode goes to the provider and back, and the host page hears the outcome", async ({
  page,
  host,
  api,
  unique,
}) => {
  const username = unique("rita");
  const tenant = unique("tenant-redirect");
  const { link_token } = await api.createLinkToken({ tenant_id: tenant });
  await host.openHostSite(link_token, { config: { redirect: true } });

  await host.app("Sandbox CRM").click();
  await page.waitForURL(/\/sandbox\/oauth\/authorize/);
  await new SandboxLogin(page).allowAs(username);

  await page.waitForURL((url) => url.pathname === "/embed");
  const outcome = await host.outcome();
  expect(outcome).toMatchObject({
    name: "did-add-authorization",
    payload: { identity: sandboxIdentity(username), app: "sandbox-crm", alreadyExists: false },
  });
  await expect(host.prompt("Connected")).toBeVisible();
  expect(page.url()).not.toContain("plugboard_attempt");
  expect(await api.integratedAccounts(tenant)).toHaveLength(1);

  // A reload does not report the same attempt twice.
  await page.reload();
  await expect(host.app("Sandbox CRM")).toBeVisible();
  expect((await host.events()).filter((e) => e.name.startsWith("did-add"))).toHaveLength(0);
});

test("the hosted page in redirect mode (a phone) goes to the provider, back, and on to the host", async ({
  page,
  api,
  unique,
}) => {
  const tenant = unique("tenant-hosted-redirect");
  const { connect_url } = await api.createLinkToken({ tenant_id: tenant, redirect_uri: `${hostOrigin}/connected` });

  await page.goto(`${connect_url}&redirect=1&locale=de`);
  await page.getByRole("button", { name: "Sandbox CRM", exact: true }).click();
  await page.waitForURL(/\/sandbox\/oauth\/authorize/);
  await new SandboxLogin(page).allowAs(unique("pia"));

  await page.waitForURL((url) => url.origin === hostOrigin && url.pathname === "/connected");
  const accounts = await api.integratedAccounts(tenant);
  expect(accounts).toHaveLength(1);
  expect(new URL(page.url()).searchParams.get("account_id")).toBe(accounts[0].account_id);
});
