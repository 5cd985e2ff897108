import { hostOrigin, serverUrl } from "../env";
import { expect, test } from "./fixtures/plugboard";

test.describe("Mistakes and outages reach the host as an error event", () => {
  test("a link token the server does not know: the host hears why, the person is told to ask for a new link", async ({
    page,
    host,
  }) => {
    await host.openHostSite("lt_not_a_real_token");
    expect(await host.error()).toMatchObject({ code: "invalid_link_token" });
    await expect(page.getByRole("alert")).toContainText("This link has expired or is no longer valid");
    // Trying again cannot revive a dead link, so the widget does not offer it.
    await expect(page.getByRole("button", { name: "Try again" })).toHaveCount(0);
  });

  test("an e-mailed link opened after it expired says so in the person's language", async ({
    page,
    api,
    request,
    unique,
  }) => {
    const { link_token, connect_url } = await api.createLinkToken({ tenant_id: unique("tenant-late"), expires_in: 1 });
    const headers = { Authorization: `Bearer ${link_token}` };
    await expect.poll(async () => (await request.get(`${serverUrl}/widget/session`, { headers })).status()).toBe(401);

    await page.goto(`${connect_url}&locale=fr`);
    await expect(page.getByRole("alert")).toContainText("Ce lien a expiré ou n’est plus valide");
    await expect(page.getByRole("button", { name: "Réessayer" })).toHaveCount(0);
  });

  test("the server unreachable: the host hears `network`, the person reads it in German and recovers", async ({
    page,
    host,
    api,
    unique,
  }) => {
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-offline") });
    const apps = `${serverUrl}/widget/apps**`;
    await page.route(apps, (route) => route.abort("connectionrefused"));
    await host.openHostSite(link_token, { config: { locale: "de" } });

    expect(await host.error()).toMatchObject({ code: "network" });
    await expect(page.getByRole("alert")).toContainText("Der Server ist nicht erreichbar");

    await page.unroute(apps);
    await page.getByRole("button", { name: "Erneut versuchen" }).click();
    await expect(host.app("Sandbox CRM")).toBeVisible();
  });

  test("the widget's own code cannot be fetched: the host hears `load_failed`", async ({ page, host, api, unique }) => {
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-no-wasm") });
    await page.route(`${serverUrl}/pkg/**`, (route) => route.abort("connectionreset"));
    await host.openHostSite(link_token);
    expect(await host.error()).toMatchObject({ code: "load_failed", message: expect.stringContaining(serverUrl) });
  });

  test("missing credentials and an unknown container are reported, not silent", async ({ page }) => {
    await page.goto(`${hostOrigin}/healthz`);
    await page.addScriptTag({ url: `${serverUrl}/widget.js` });
    const codes = await page.evaluate(async (serverUrl) => {
      type Sdk = {
        eventEmitter: { on(name: string, listener: (e: { code: string }) => void): void };
        renderConnectPage(elementId: string): void;
      };
      const Plugboard = (window as unknown as { Plugboard: new (options: object) => Sdk }).Plugboard;
      const seen: string[] = [];
      const bare = new Plugboard({ serverUrl });
      bare.eventEmitter.on("error", (e) => seen.push(e.code));
      const sdk = new Plugboard({ serverUrl, linkToken: "lt_whatever" });
      sdk.eventEmitter.on("error", (e) => seen.push(e.code));
      sdk.renderConnectPage("no-such-element");
      for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
      return seen.sort();
    }, serverUrl);
    expect(codes).toEqual(["missing_credentials", "unknown_container"]);
  });
});
