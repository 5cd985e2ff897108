import {
  ConsolePage,
  type Operator,
  connectOnDemoPage,
  connectThroughLink,
  createOperator,
} from "./fixtures/console";
import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

test.describe("The operators' console", () => {
  let admin: Operator;
  let support: Operator;

  test.beforeAll(() => {
    admin = createOperator("admin");
    support = createOperator("support");
  });

  test("an admin sends an auth link, finds the account the customer connects, re-verifies it, hands out a reconnect link and deletes it", async ({
    browser,
    page,
    context,
    api,
    unique,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const screen = new ConsolePage(page);
    const tenant = unique("tenant-console");
    const username = unique("carol");

    await screen.open();
    await screen.signIn(admin);
    await expect(page.getByRole("banner")).toContainText(admin.email);
    await expect(page.getByRole("banner")).toContainText("Admin");

    // An auth link for a new customer, as StackOne's "Create Auth Link" makes one.
    await screen.goTo("Auth links");
    await page.getByLabel("Customer id (tenant)").fill(tenant);
    await page.getByLabel("Owner name (optional)").fill("Acme Corp");
    await page.getByLabel("Username (optional)").fill("it@acme.example");
    await expect(page.getByLabel("Expires in (days)")).toHaveValue("5");
    await screen.button("Create link").click();
    await expect(screen.status(`Auth link created for ${tenant}`)).toBeVisible();
    const connectUrl = await page.getByLabel("Connect URL").inputValue();
    expect(connectUrl).toContain("/connect?link_token=");
    const linkRow = page.getByRole("region", { name: "Recent links" }).getByRole("row", { name: new RegExp(tenant) });
    await expect(linkRow).toContainText("Acme Corp");
    await expect(linkRow).toContainText(admin.email);
    await expect(linkRow).toContainText("Not used");

    // The customer opens it from their e-mail, elsewhere, and connects Sandbox CRM.
    await connectThroughLink(browser, connectUrl, username);

    // Back in the console, the operator finds the account by its tenant.
    await screen.goTo("Integrated accounts");
    await screen.filterByTenant(tenant);
    await expect(screen.accountRows()).toHaveCount(1);
    const row = screen.accountRows().first();
    await expect(row).toContainText("Sandbox CRM");
    await expect(row).toContainText(sandboxIdentity(username));
    await expect(row).toContainText("Verified");
    const accountId = (await row.getByRole("link").textContent())!.trim();
    expect(accountId).toMatch(/^acc_/);
    await row.getByRole("link", { name: accountId }).click();

    await expect(screen.heading).toHaveText(`Account ${accountId}`);
    await expect(page).toHaveURL(new RegExp(`#/accounts/${accountId}$`));
    await expect(page.getByRole("definition").filter({ hasText: tenant })).toBeVisible();
    // What the provider returned for later calls (the sandbox's organisation) is shown too.
    await expect(page.getByRole("heading", { name: "Connection metadata" })).toBeVisible();
    await expect(page.getByRole("term").filter({ hasText: "org_id" })).toBeVisible();
    const logged = await screen.logRows().count();

    // Re-verify: the outcome is announced and the log grows by the call just made.
    await screen.button("Re-verify").click();
    await expect(screen.status("Re-verified")).toBeVisible();
    await expect(screen.logRows()).toHaveCount(logged + 1);
    await expect(screen.logRows().first()).toContainText("Verify");

    // Refresh now: the sandbox renews the access token, and the log says so.
    await screen.button("Refresh now").click();
    await expect(screen.status("Refreshed")).toBeVisible();
    await expect(screen.logRows()).toHaveCount(logged + 2);
    await expect(screen.logRows().first()).toContainText("Refresh");

    // A reconnect link, created and copied in one click.
    await screen.button("Copy reconnect link").click();
    await expect(screen.status("Reconnect link created and copied")).toBeVisible();
    const reconnectUrl = await page.getByLabel("Reconnect link").inputValue();
    expect(reconnectUrl).toContain("/connect?link_token=");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(reconnectUrl);

    // Delete, after a confirmation that names the account and its app.
    await screen.button("Delete").click();
    const dialog = page.getByRole("dialog", { name: "Delete this account?" });
    await expect(dialog).toContainText(accountId);
    await expect(dialog).toContainText("Sandbox CRM");
    await dialog.getByRole("button", { name: "Delete account" }).click();
    await expect(page).toHaveURL(/#\/accounts$/);
    await expect(screen.status(`Deleted account ${accountId} (Sandbox CRM)`)).toBeVisible();
    await expect(page.getByText("No account matches these filters.")).toBeVisible();
    expect(await api.integratedAccounts(tenant)).toHaveLength(0);

    // Everything above is in the operators' audit log.
    await screen.goTo("Audit log");
    const done = page.getByRole("region", { name: "Audit log" }).getByRole("row").filter({ hasText: admin.email });
    for (const action of ["Verify account", "Delete account"]) {
      await expect(done.filter({ hasText: action }).filter({ hasText: accountId }).first()).toBeVisible();
    }
    await expect(done.filter({ hasText: "Create link" }).first()).toBeVisible();
  });

  test("an admin makes an API key that is shown once, revokes it, and revokes an auth link", async ({
    page,
    context,
    request,
    unique,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const screen = new ConsolePage(page);
    const label = unique("billing");
    await screen.open("#/keys");
    await screen.signIn(admin);

    await page.getByLabel("Label").fill(label);
    await screen.button("Create key").click();
    await expect(screen.status(`Created the key “${label}”`)).toBeVisible();
    const key = await page.getByRole("textbox", { name: "API key" }).inputValue();
    await screen.button("Copy API key").click();
    await expect(page.getByRole("status").filter({ hasText: /^Copied$/ })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    // The backend can use it at once…
    const listed = await request.get("/integrated-accounts", { headers: { Authorization: `Bearer ${key}` } });
    expect(listed.status()).toBe(200);
    // …and the console never shows it again.
    await screen.button("Done, I stored it").click();
    await expect(page.getByRole("textbox", { name: "API key" })).toHaveCount(0);
    const row = page.getByRole("region", { name: "API keys" }).getByRole("row", { name: new RegExp(label) });
    await expect(row).not.toContainText(key);

    await row.getByRole("button", { name: `Revoke ${label}` }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke this key?" });
    await expect(dialog).toContainText(label);
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await expect(screen.status(`Revoked the key “${label}”`)).toBeVisible();
    await expect(row).toHaveCount(0);
    const refused = await request.get("/integrated-accounts", { headers: { Authorization: `Bearer ${key}` } });
    expect(refused.status()).toBe(401);

    // An auth link sent to the wrong person is revoked: the link stops working.
    const tenant = unique("tenant-revoke");
    await screen.goTo("Auth links");
    await page.getByLabel("Customer id (tenant)").fill(tenant);
    await screen.button("Create link").click();
    const connectUrl = await page.getByLabel("Connect URL").inputValue();
    const linkRow = page.getByRole("region", { name: "Recent links" }).getByRole("row", { name: new RegExp(tenant) });
    await linkRow.getByRole("button", { name: `Revoke the link for ${tenant}` }).click();
    await page.getByRole("dialog", { name: "Revoke this link?" }).getByRole("button", { name: "Revoke link" }).click();
    await expect(screen.status(`Revoked the link for ${tenant}`)).toBeVisible();
    await expect(linkRow).toContainText("Revoked");
    const token = new URL(connectUrl).searchParams.get("link_token")!;
    const apps = await request.get("/widget/apps", { headers: { Authorization: `Bearer ${token}` } });
    expect(apps.status()).toBe(401);
    expect((await apps.json()).error.code).toBe("revoked_link_token");
  });

  test("a support operator can look but not delete, sees no API keys, and the API refuses them too", async ({
    browser,
    page,
    unique,
  }) => {
    const accountId = await connectOnDemoPage(browser, unique("tenant-support"), unique("dave"));
    const screen = new ConsolePage(page);

    await screen.open(`#/accounts/${accountId}`);
    await screen.signIn(support);
    await expect(page.getByRole("banner")).toContainText("Support");
    await expect(screen.heading).toHaveText(`Account ${accountId}`);
    await expect(screen.button("Re-verify")).toBeVisible();
    await expect(screen.button("Delete")).toHaveCount(0);
    await expect(screen.navLink("API keys")).toHaveCount(0);

    await screen.open("#/keys");
    await expect(page.getByText("Only admins can see and manage API keys.")).toBeVisible();

    // The server does not take the console's word for it.
    const refused = await screen.fetchFromPage("DELETE", `/console/api/accounts/${accountId}`);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.code).toBe("admin_only");
    const keys = await screen.fetchFromPage("GET", "/console/api/keys");
    expect(keys.status).toBe(403);
    expect(JSON.parse(keys.body).error.code).toBe("admin_only");
  });

  test("a wrong password is refused with a clear message, and signing out returns to the sign-in page", async ({
    page,
  }) => {
    const screen = new ConsolePage(page);
    await screen.open();
    await screen.fillSignIn(admin.email, "not-the-password");
    await expect(screen.alert(/password/i)).toBeVisible();
    await expect(page.getByLabel("Password")).toHaveValue("");

    await screen.signIn(admin);
    await screen.signOutButton.click();
    await expect(screen.status("You have signed out.")).toBeVisible();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    // The session is gone on the server too, not only on screen.
    await page.reload();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    const session = await screen.fetchFromPage("GET", "/console/api/session");
    expect(session.status).toBe(401);
  });

  test("the theme choice is remembered", async ({ page }) => {
    const screen = new ConsolePage(page);
    await screen.open();
    await page.getByLabel("Theme").selectOption("dark");
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    await expect(page.getByLabel("Theme")).toHaveValue("dark");
  });
});
