import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

test.describe("A list of more than eight apps", () => {
  test("a person finds an app by typing or by category, connects it, and sees it marked", async ({
    host,
    unique,
  }) => {
    const name = unique("nina");
    await host.openDemo(unique("tenant-search"));
    const search = host.page.getByRole("searchbox", { name: "Search apps" });
    await expect(search).toBeVisible();

    await search.fill("stripe");
    await expect(host.app("Stripe")).toBeVisible();
    await expect(host.app("Sandbox CRM")).toBeHidden();

    await search.fill("no such app anywhere");
    await expect(host.prompt("No apps match")).toBeVisible();

    await search.fill("");
    await host.page.getByRole("tab", { name: "HRIS" }).click();
    await expect(host.app("Sandbox HR")).toBeVisible();
    await expect(host.app("Stripe")).toBeHidden();

    await host.connectWithApiKey("Sandbox HR", `sk_sandbox_${name}`);
    const outcome = await host.outcome();
    expect(outcome.payload).toMatchObject({ identity: sandboxIdentity(name), app: "sandbox-hr" });
    await host.page.getByRole("button", { name: /Done|Back to apps/ }).first().click();
    await expect(host.app("Sandbox HR")).toHaveAccessibleDescription("Connected");
  });
});
