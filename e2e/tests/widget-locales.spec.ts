import { expect, test } from "./fixtures/plugboard";

const LOCALES = [
  { locale: "en", title: "Connect an account", search: "Search apps", close: "Close" },
  { locale: "de", title: "Konto verbinden", search: "Apps suchen", close: "Schließen" },
  { locale: "fr", title: "Connecter un compte", search: "Rechercher une application", close: "Fermer" },
  { locale: "es", title: "Conectar una cuenta", search: "Buscar aplicaciones", close: "Cerrar" },
  { locale: "pt-BR", title: "Conectar uma conta", search: "Buscar aplicativos", close: "Fechar" },
];

test.describe("The widget speaks the host's language", () => {
  for (const { locale, title, search, close } of LOCALES) {
    test(`locale ${locale}`, async ({ page, host, api, unique }) => {
      const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-locale") });
      await host.openHostSite(link_token, { config: { locale } });

      await expect(page.getByRole("dialog", { name: title })).toBeVisible();
      await expect(page.getByRole("searchbox", { name: search })).toBeVisible();
      await expect(page.getByRole("button", { name: close })).toBeVisible();
      const lang = await page.evaluate(
        () => document.querySelector("[data-plugboard]")?.shadowRoot?.querySelector(".pb-root")?.getAttribute("lang"),
      );
      expect(lang).toBe(locale);
    });
  }
});

test.describe("Without a locale option", () => {
  test.use({ locale: "de-AT" });

  test("the browser's language decides", async ({ page, host, api, unique }) => {
    const { link_token } = await api.createLinkToken({ tenant_id: unique("tenant-locale") });
    await host.openHostSite(link_token);
    await expect(page.getByRole("dialog", { name: "Konto verbinden" })).toBeVisible();
  });
});
