import path from "node:path";

import type { Page } from "@playwright/test";

import { expect, test } from "./fixtures/plugboard";

// Pictures of the modal for the README, refreshed by every e2e run: light, dark, a
// 320 px phone, German, and the hosted connect page.
const dir = path.join(__dirname, "..", "screenshots");

async function settled(page: Page) {
  await expect(page.getByRole("button", { name: "Sandbox CRM", exact: true })).toBeVisible();
  // Every logo decoded, so the picture does not depend on timing.
  await page.waitForFunction(() =>
    [...(document.querySelector("[data-plugboard]")?.shadowRoot?.querySelectorAll("img") ?? [])].every(
      (img) => img.complete,
    ),
  );
}

const SHOTS = [
  { name: "modal-light.png", config: {}, viewport: { width: 1000, height: 800 } },
  { name: "modal-dark.png", config: { theme: { mode: "dark" } }, viewport: { width: 1000, height: 800 } },
  { name: "modal-mobile.png", config: {}, viewport: { width: 320, height: 640 } },
  { name: "modal-german.png", config: { locale: "de" }, viewport: { width: 1000, height: 800 } },
];

test.describe("Screenshots", () => {
  for (const shot of SHOTS) {
    test(shot.name, async ({ page, host, api, unique }) => {
      await page.setViewportSize(shot.viewport);
      const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-shot") });
      await host.openHostSite(link_token, { config: shot.config });
      await settled(page);
      await page.screenshot({ path: path.join(dir, shot.name) });
    });
  }

  test("hosted-page.png", async ({ page, api, unique }) => {
    await page.setViewportSize({ width: 1000, height: 800 });
    const { connect_url } = await api.createLinkToken({ tenant_id: unique("tenant-shot") });
    await page.goto(connect_url);
    await settled(page);
    await page.screenshot({ path: path.join(dir, "hosted-page.png") });
  });
});
