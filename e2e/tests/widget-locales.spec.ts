import { expect, test } from "./fixtures/plugboard";

const LOCALES = [
  { locale: "en", title: "Connect an account", search: "Search apps", close: "Close", tab: "Payments" },
  { locale: "de", title: "Konto verbinden", search: "Apps suchen", close: "Schließen", tab: "Zahlungen" },
  { locale: "fr", title: "Connecter un compte", search: "Rechercher une application", close: "Fermer", tab: "Paiements" },
  { locale: "es", title: "Conectar una cuenta", search: "Buscar aplicaciones", close: "Cerrar", tab: "Pagos" },
  { locale: "pt-BR", title: "Conectar uma conta", search: "Buscar aplicativos", close: "Fechar", tab: "Pagamentos" },
];

test.describe("The widget speaks the host's language", () => {
  // The category tabs' labels come from the server, in the language the widget asks for.
  for (const { locale, title, search, close, tab } of LOCALES) {
    test(`locale ${locale}`, async ({ page, host, api, unique }) => {
      const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-locale") });
      await host.openHostSite(link_token, { config: { locale } });

      await expect(page.getByRole("dialog", { name: title })).toBeVisible();
      await expect(page.getByRole("searchbox", { name: search })).toBeVisible();
      await expect(page.getByRole("button", { name: close })).toBeVisible();
      await expect(page.getByRole("tab", { name: tab })).toBeVisible();
      const lang = await page.evaluate(
        () => document.querySelector("[data-plugboard]")?.shadowRoot?.querySelector(".pb-root")?.getAttribute("lang"),
      );
      expect(lang).toBe(locale);
    });
  }
});

test.describe("Without a locale option", () => {
  test.use({ locale: "de-AT" });

  test("the browser's language decides, for the widget's words and the server's", async ({
    page,
    host,
    api,
    unique,
  }) => {
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-locale") });
    await host.openHostSite(link_token);
    await expect(page.getByRole("dialog", { name: "Konto verbinden" })).toBeVisible();
    // The loader's early request has no locale: the server reads Accept-Language.
    await expect(page.getByRole("tab", { name: "Zahlungen" })).toBeVisible();
    await page.getByRole("searchbox", { name: "Apps suchen" }).fill("zahlung");
    await expect(host.app("Stripe")).toBeVisible();
    await expect(host.app("Sandbox CRM")).toBeHidden();
  });
});
