import { expect, test } from "./fixtures/plugboard";
import { SandboxLogin } from "./fixtures/sandbox-login";

test.describe("A provider having a bad day", () => {
  test("its token endpoint failing is a clear error in the widget, and trying again connects", async ({
    page,
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-outage");
    await host.openDemo(tenant);
    // The sandbox's `token-500` login makes its token endpoint answer 500.
    await (await host.startOAuth("Sandbox CRM")).allowAs("token-500");

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-fail-authorization");
    expect(outcome.payload).toMatchObject({ app: "sandbox-crm", reason: "provider_error" });
    await expect(host.prompt(/Sandbox CRM returned an error: .*token endpoint failed/)).toBeVisible();
    expect(await api.integratedAccounts(tenant)).toEqual([]);

    const popup = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Try again" }).click();
    await new SandboxLogin(await popup).allowAs(unique("back-again"));
    await expect
      .poll(async () => (await host.events()).map((event) => event.name))
      .toContain("did-add-authorization");
    expect(await api.integratedAccounts(tenant)).toHaveLength(1);
  });
});
