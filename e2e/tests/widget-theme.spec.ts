import type { Page } from "@playwright/test";

import { expect, test } from "./fixtures/plugboard";

/** A computed style of an element inside the widget's shadow root. */
async function widgetStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate(
    ([selector, property]) => {
      const element = document.querySelector("[data-plugboard]")?.shadowRoot?.querySelector(selector);
      return element ? getComputedStyle(element).getPropertyValue(property) : "missing";
    },
    [selector, property],
  );
}

test.describe("Themes", () => {
  test("light by default, dark when the host asks, and the host's accent", async ({ page, host, api, unique }) => {
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-theme") });
    await host.openHostSite(link_token);
    await expect(host.dialog()).toBeVisible();
    expect(await widgetStyle(page, ".pb-dialog", "background-color")).toBe("rgb(255, 255, 255)");

    await host.openHostSite(link_token, { config: { theme: { mode: "dark", accent: "rgb(10, 124, 255)" } } });
    await expect(host.dialog()).toBeVisible();
    expect(await widgetStyle(page, ".pb-dialog", "background-color")).toBe("rgb(31, 41, 55)");
    expect(await widgetStyle(page, "[role=tab][aria-selected=true]", "background-color")).toBe("rgb(10, 124, 255)");
  });

  test.describe("on a device set to dark", () => {
    test.use({ colorScheme: "dark" });

    test("the widget follows prefers-color-scheme unless the host forces light", async ({ page, host, api, unique }) => {
      const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-theme") });
      await host.openHostSite(link_token);
      await expect(host.dialog()).toBeVisible();
      expect(await widgetStyle(page, ".pb-dialog", "background-color")).toBe("rgb(31, 41, 55)");

      await host.openHostSite(link_token, { config: { theme: { mode: "light" } } });
      await expect(host.dialog()).toBeVisible();
      expect(await widgetStyle(page, ".pb-dialog", "background-color")).toBe("rgb(255, 255, 255)");
    });
  });
});
