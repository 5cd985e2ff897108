import { hostOrigin, serverUrl } from "../env";
import { expect, test } from "./fixtures/plugboard";

test.describe("Mistakes and outages reach the host as an error event", () => {
  test("a link token the server does not know: the list says so and offers a retry", async ({ page, host }) => {
    await host.openHostSite("lt_not_a_real_token");
    await expect
      .poll(async () => (await host.events()).find((e) => e.name === "error")?.payload)
      .toMatchObject({ code: expect.stringMatching(/link_token/) });
    await expect(page.getByRole("button", { name: "Try again" })).toBeVisible();
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
