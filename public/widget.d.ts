// Types for the Plugboard widget (public/widget.js, public/widget.mjs). See README.md, "Embed the widget".

export type PlugboardOptions =
  | { serverUrl?: string; linkToken: string }
  | { serverUrl?: string; appId: string; userId: string; hash: string; deploymentId?: string };

/**
 * Colours and shapes, as CSS values. Each key sets the custom property `--pb-<key>` on the
 * widget (`accentText` → `--pb-accent-text`); `light-dark(a, b)` gives a value per mode.
 */
export interface Theme {
  /** Light, dark, or the device's `prefers-color-scheme` (default). */
  mode?: "light" | "dark" | "auto";
  accent?: string;
  accentText?: string;
  background?: string;
  text?: string;
  muted?: string;
  border?: string;
  hover?: string;
  success?: string;
  danger?: string;
  radius?: string;
  font?: string;
  [property: string]: string | undefined;
}

/** The languages the widget speaks; any other tag falls back to English. */
export type Locale = "en" | "de" | "fr" | "es" | "pt-BR" | (string & {});

export interface ModalConfig {
  deploymentId?: string;
  category?: string;
  userConfig?: { hideAppConnectionModal?: boolean };
  /** BCP 47 tag; default: the browser's languages (`navigator.languages`). */
  locale?: Locale;
  theme?: Theme;
  /**
   * Sign in by sending the whole page to the provider and back instead of a popup (for
   * webviews and in-app browsers, detected on their own). The page must create its
   * `Plugboard` again on return: it reports the outcome as the same events.
   */
  redirect?: boolean;
}

/** `renderConnectPage(elementId, config)`: the hosted page's filters come from its link token. */
export type PageConfig = Pick<ModalConfig, "locale" | "theme" | "redirect">;

/** `error`: something went wrong outside an attempt; the console says it too. */
export interface ErrorEvent {
  /**
   * `missing_credentials`, `load_failed` (the wasm could not be fetched), `unknown_container`,
   * `network` (the server is unreachable), `widget_error`, or the server's error code
   * (`invalid_link_token`, `expired_link_token`, …).
   */
  code: string;
  message: string;
}

/** `did-add-authorization` and `did-fail-authorization-verification`. */
export interface AuthorizationEvent {
  identity: string;
  authorizationId: number;
  flowId?: number;
  alreadyExists: boolean;
  accountId: string;
  app: string;
}

/** `did-fail-authorization`. */
export interface FailureEvent {
  app: string;
  reason: "cancelled" | "popup_closed" | "popup_blocked" | "provider_error";
  message?: string;
}

/** `did-remove-authorization`. */
export interface RemovalEvent {
  authorizationId: number;
  accountId: string;
  app: string;
}

export interface PlugboardEvents {
  "did-add-authorization": AuthorizationEvent;
  "did-fail-authorization-verification": AuthorizationEvent;
  "did-fail-authorization": FailureEvent;
  "did-remove-authorization": RemovalEvent;
  error: ErrorEvent;
  ready: { app?: string };
  "did-open": { app?: string };
  "did-close": { app?: string };
  "did-select-app": { app?: string };
}

export interface PlugboardEventEmitter {
  /** Returns a function that removes the listener. */
  on<K extends keyof PlugboardEvents>(name: K, listener: (payload: PlugboardEvents[K]) => void): () => void;
  off<K extends keyof PlugboardEvents>(name: K, listener: (payload: PlugboardEvents[K]) => void): void;
  once<K extends keyof PlugboardEvents>(name: K, listener: (payload: PlugboardEvents[K]) => void): () => void;
}

export declare class Plugboard {
  constructor(options: PlugboardOptions);
  /** Where `serverUrl` defaults to when not given: the loader's own origin. */
  static defaultServerUrl: string | null;
  readonly eventEmitter: PlugboardEventEmitter;
  renderAccountConnectionModal(config?: ModalConfig): void;
  renderConnectPage(elementId: string, config?: PageConfig): void;
  close(): void;
  destroy(): void;
}

export default Plugboard;

declare global {
  interface Window {
    Plugboard: typeof Plugboard;
  }
}
