import AxeBuilder from "@axe-core/playwright";

import { expect, test } from "./fixtures/plugboard";

test.describe("Accessibility of the widget", () => {
  test("the app list and the API-key form have no serious or critical axe violations", async ({
    page,
    host,
    unique,
  }) => {
    const serious = async () => {
      const { violations } = await new AxeBuilder({ page }).analyze();
      return violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    };

    await host.openDemo(unique("tenant-a11y"));
    await expect(host.app("Sandbox CRM")).toBeVisible();
    expect(await serious(), "app list").toEqual([]);

    await host.app("Sandbox HR").click();
    await expect(page.getByLabel("API key")).toBeVisible();
    expect(await serious(), "API-key form").toEqual([]);
  });
});
