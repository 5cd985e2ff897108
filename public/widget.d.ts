// Types for the Plugboard widget (public/widget.js, public/widget.mjs). See DESIGN.md.

export type PlugboardOptions =
  | { serverUrl?: string; linkToken: string }
  | { serverUrl?: string; appId: string; userId: string; hash: string; deploymentId?: string };

export interface ModalConfig {
  deploymentId?: string;
  category?: string;
  userConfig?: { hideAppConnectionModal?: boolean };
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
  renderConnectPage(elementId: string): void;
  close(): void;
  destroy(): void;
}

export default Plugboard;

declare global {
  interface Window {
    Plugboard: typeof Plugboard;
  }
}
