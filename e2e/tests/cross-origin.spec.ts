import { createHmac } from "node:crypto";

import { appId, appSecret } from "../env";
import { expect, sandboxIdentity, test } from "./fixtures/plugboard";

// The host site is http://localhost:PORT, the server http://127.0.0.1:PORT: a real
// cross-origin embed, so CORS, the wasm MIME type and postMessage's targetOrigin all
// have to be right for these to pass.
test.describe("A customer's web app on another origin embedding the widget", () => {
  test("with a link token from its backend, a full OAuth connection reaches the page", async ({
    host,
    api,
    unique,
  }) => {
    const tenant = unique("tenant-cross-origin");
    const username = unique("dave");
    const { link_token } = await api.createLinkToken({ tenant_id: tenant });

    await host.openHostSite(link_token);
    await (await host.startOAuth("Sandbox CRM")).allowAs(username);

    const outcome = await host.outcome();
    expect(outcome.name).toBe("did-add-authorization");
    expect(outcome.payload).toMatchObject({
      identity: sandboxIdentity(username),
      alreadyExists: false,
      app: "sandbox-crm",
    });
    const accounts = await api.integratedAccounts(tenant);
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ account_id: outcome.payload.accountId, status: "verified" });
  });

  test("started Integry-style with an app id, a user id and its HMAC, it lists the apps", async ({
    host,
    unique,
  }) => {
    const userId = unique("user");
    const hash = createHmac("sha256", appSecret).update(userId).digest("hex");

    await host.openHostSiteWithSession({ appId, userId, hash });

    await expect(host.app("Sandbox CRM")).toBeVisible();
    await expect(host.app("Sandbox HR")).toBeVisible();
  });
});
