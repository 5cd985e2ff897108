import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

// WAI-ARIA modal dialog, by keyboard alone: the host page's button opens it, focus moves
// in, Tab reaches the search box, the app and the result's next step, and focus comes back
// to the button when the dialog closes.
test("a keyboard user connects an app from the host page's button to success and back", async ({
  page,
  host,
  api,
  unique,
}) => {
  const username = unique("kim");
  const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-keyboard") });
  await host.openHostSite(link_token, { closed: true });
  const opener = page.getByRole("button", { name: "Connect an account" });

  await page.keyboard.press("Tab");
  await expect(opener).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(host.dialog()).toBeFocused();
  // A person tabs through what is on screen: wait for the list (and its search box) to be
  // there, or Tab wraps past a search box that has not appeared yet.
  await expect(page.getByRole("searchbox", { name: "Search apps" })).toBeVisible();

  await page.keyboard.press("Tab"); // the dialog's Close button
  await expect(page.getByRole("button", { name: "Close" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("searchbox", { name: "Search apps" })).toBeFocused();
  await page.keyboard.type("sandbox crm");
  await page.keyboard.press("Tab"); // the category tabs are one stop
  await page.keyboard.press("Tab");
  await expect(host.app("Sandbox CRM")).toBeFocused();

  const popupOpened = page.waitForEvent("popup");
  await page.keyboard.press("Enter");
  const popup = await popupOpened;
  await expect(popup.getByLabel("Username")).toBeFocused();
  await popup.keyboard.type(username);
  await popup.keyboard.press("Tab");
  await popup.keyboard.type("correct horse battery staple");
  await popup.keyboard.press("Tab"); // Deny
  await popup.keyboard.press("Tab"); // Allow
  await popup.keyboard.press("Enter");

  const outcome = await host.outcome();
  expect(outcome).toMatchObject({ name: "did-add-authorization", payload: { identity: sandboxIdentity(username) } });
  const done = page.getByRole("button", { name: "Done" });
  await expect(done).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(host.dialog()).toHaveCount(0);
  await expect(opener).toBeFocused();

  // Escape closes it too, and Tab cannot leave it while open.
  await page.keyboard.press("Enter");
  await expect(host.dialog()).toBeFocused();
  for (let i = 0; i < 20; i++) await page.keyboard.press("Tab");
  expect(await page.evaluate(() => document.activeElement?.hasAttribute("data-plugboard"))).toBe(true);
  await page.keyboard.press("Escape");
  await expect(host.dialog()).toHaveCount(0);
  await expect(opener).toBeFocused();
});
