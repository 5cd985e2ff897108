// ES-module entry: `import { Plugboard } from "https://plugboard.example.com/widget.mjs"`.
// It runs the classic loader once and re-exports it, so both entries share one
// implementation; `serverUrl` defaults to where this module was loaded from.
import "./widget.js";

export const Plugboard = window.Plugboard;
Plugboard.defaultServerUrl = new URL(import.meta.url).origin;
export default Plugboard;
