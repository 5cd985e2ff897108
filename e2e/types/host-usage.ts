// Type-checked by `tsc --noEmit` in `cargo xtask test`, never run: what a TypeScript host
// writes against public/widget.d.ts. Every `@ts-expect-error` line must fail to compile,
// so the declarations also reject what the widget would not understand.
import type { ModalConfig, Plugboard as PlugboardClass } from "../../public/widget";

declare const Plugboard: typeof PlugboardClass;

export function connectAccounts(linkToken: string): () => void {
  const sdk = new Plugboard({ serverUrl: "https://connect.example.com", linkToken });
  const stop = sdk.eventEmitter.on("did-add-authorization", (e) => {
    const ids: [string, number, boolean, string] = [e.accountId, e.authorizationId, e.alreadyExists, e.identity];
    console.log(ids, e.app);
  });
  sdk.eventEmitter.once("did-fail-authorization", (e) => {
    if (e.reason === "popup_blocked") console.log(e.app, e.message ?? "");
  });
  sdk.eventEmitter.on("did-remove-authorization", (e) => console.log(e.accountId, e.authorizationId));
  sdk.eventEmitter.on("error", (e) => console.error(e.code, e.message));

  const config: ModalConfig = {
    deploymentId: "default",
    locale: "pt-BR",
    theme: { mode: "dark", accent: "#0a7cff", radius: "4px" },
    userConfig: { hideAppConnectionModal: true },
    redirect: false,
  };
  sdk.renderAccountConnectionModal(config);
  sdk.renderConnectPage("connect", { locale: "de", theme: { mode: "auto" } });

  // @ts-expect-error: no such event (British spelling)
  sdk.eventEmitter.on("did-add-authorisation", () => {});
  // @ts-expect-error: the failure reasons are a closed set
  sdk.eventEmitter.on("did-fail-authorization", (e) => e.reason === "timeout");
  // @ts-expect-error: a link token, or app id + user id + hash
  new Plugboard({ serverUrl: "https://connect.example.com" });
  // @ts-expect-error: the mode is light, dark or auto
  sdk.renderAccountConnectionModal({ theme: { mode: "blue" } });
  // @ts-expect-error: the hosted page's apps come from its link token, not a deployment
  sdk.renderConnectPage("connect", { deploymentId: "default" });

  new Plugboard({ appId: "acme", userId: "customer-42", hash: "9f86d08…" }).close();
  return () => {
    stop();
    sdk.destroy();
  };
}
