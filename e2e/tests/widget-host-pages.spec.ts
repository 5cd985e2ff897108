import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

declare global {
  interface Window {
    cspViolations?: string[];
  }
}

test.describe("Host pages the widget must survive", () => {
  test("hostile CSS (* { all: unset }, 40px fonts) does not reach into the widget", async ({
    page,
    host,
    api,
    unique,
  }) => {
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-hostile") });
    await host.openHostSite(link_token, { hostile: true });

    await expect(host.dialog()).toBeVisible();
    const card = await host.app("Sandbox HR").boundingBox();
    expect(card, "the app card is laid out").not.toBeNull();
    expect(card!.width).toBeGreaterThan(100);
    expect(card!.width).toBeLessThan(260);
    expect(card!.height).toBeLessThan(200);
    const font = await page.evaluate(() => {
      const button = document.querySelector("[data-plugboard]")?.shadowRoot?.querySelector(".pb-app-button");
      return button ? getComputedStyle(button).fontSize : "missing";
    });
    expect(font).toBe("15px");

    await host.connectWithApiKey("Sandbox HR", "sk_sandbox_hal");
    expect((await host.outcome()).name).toBe("did-add-authorization");
  });

  test("a page that imports widget.mjs as an ES module, without a serverUrl, connects", async ({
    host,
    api,
    unique,
  }) => {
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-module") });
    await host.openHostSite(link_token, { path: "/module" });

    await host.connectWithApiKey("Sandbox HR", "sk_sandbox_mo");
    expect(await host.outcome()).toMatchObject({
      name: "did-add-authorization",
      payload: { identity: sandboxIdentity("mo"), app: "sandbox-hr" },
    });
  });

  test("a page under a strict Content-Security-Policy connects with no violation", async ({
    page,
    host,
    api,
    unique,
  }) => {
    const errors: string[] = [];
    page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
    const username = unique("cy");
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-csp") });
    await host.openHostSite(link_token, { path: "/strict" });

    await (await host.startOAuth("Sandbox CRM")).allowAs(username);
    expect(await host.outcome()).toMatchObject({
      name: "did-add-authorization",
      payload: { identity: sandboxIdentity(username) },
    });
    await expect(host.prompt("Connected")).toBeVisible();
    expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });
});
