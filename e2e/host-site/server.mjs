// The "host site": a customer's web app on another origin (http://localhost:PORT) that
// embeds the widget from the Plugboard server with one script tag. Tests hand it a link
// token (or Integry-style credentials) in the query string, since its backend is the
// test itself.
import http from "node:http";

const port = Number(process.env.E2E_HOST_PORT ?? 13000);
const serverUrl = process.env.E2E_SERVER_URL ?? "http://127.0.0.1:18080";

const EVENTS = [
  "ready",
  "did-open",
  "did-close",
  "did-select-app",
  "did-add-authorization",
  "did-fail-authorization-verification",
  "did-fail-authorization",
  "did-remove-authorization",
  "error",
];

/** CSS a careless host page might have: it must not reach into the widget's Shadow DOM. */
const HOSTILE_CSS = `
  * { all: unset !important; font-size: 40px !important; line-height: 3 !important; }
  div, button, input { display: inline !important; color: red !important; background: yellow !important; }
  [data-plugboard] { font-family: "Comic Sans MS", cursive !important; }
`;

/**
 * The script of /embed, /strict and /module: the widget in a modal, every event recorded.
 * `withServerUrl: false` leaves `serverUrl` out of the options, as a host importing
 * widget.mjs may (the module knows where it came from).
 */
function embedScript({ withServerUrl = true } = {}) {
  return `
  window.plugboardEvents = [];
  const params = new URLSearchParams(location.search);
  const options = params.has("link_token")
    ? { linkToken: params.get("link_token") }
    : { appId: params.get("app_id"), userId: params.get("user_id"), hash: params.get("hash") };
  ${withServerUrl ? `options.serverUrl = ${JSON.stringify(serverUrl)};` : ""}
  const sdk = new Plugboard(options);
  window.plugboard = sdk;
  const log = document.getElementById("event-log");
  for (const name of ${JSON.stringify(EVENTS)}) {
    sdk.eventEmitter.on(name, (payload) => {
      window.plugboardEvents.push({ name, payload });
      const item = document.createElement("li");
      item.textContent = name + " " + JSON.stringify(payload);
      log.append(item);
    });
  }
  document.getElementById("open").addEventListener("click", () => sdk.renderAccountConnectionModal(config()));
  if (!params.has("closed")) sdk.renderAccountConnectionModal(config());
  function config() {
    return params.has("config") ? JSON.parse(params.get("config")) : undefined;
  }`;
}

/**
 * `/embed?link_token=…` or `/embed?app_id=…&user_id=…&hash=…`: the widget in a modal.
 * `config=<JSON>` is passed to renderAccountConnectionModal, `hostile=1` adds HOSTILE_CSS,
 * `closed=1` waits for the page's own "Connect an account" button.
 */
function embedPage(url) {
  const hostile = url.searchParams.has("hostile") ? `<style>${HOSTILE_CSS}</style>` : "";
  return hostDocument("connect your accounts", hostile, `<script src="${serverUrl}/widget.js"></script>
<script>${embedScript()}</script>`);
}

/**
 * `/module?link_token=…`: a host built with ES modules, importing `widget.mjs` instead of a
 * script tag and leaving `serverUrl` out (the module knows where it came from).
 */
function modulePage() {
  return hostDocument("ES module", "", `<script type="module">
import { Plugboard } from "${serverUrl}/widget.mjs";
${embedScript({ withServerUrl: false })}
</script>`);
}

/** Acme's page around the widget: a heading, its own button and the event log. */
function hostDocument(title, head, scripts) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme — ${title}</title>
${head}
</head>
<body>
<main>
  <h1>Acme settings</h1>
  <button id="open" type="button">Connect an account</button>
  <h2>Events</h2>
  <ol id="event-log"></ol>
</main>
${scripts}
</body>
</html>`;
}

/**
 * `/strict?link_token=…`: the same page under the strict CSP the README tells hosts to
 * use; its script is a file (no inline script is allowed) and it records every CSP
 * violation in `window.cspViolations`.
 */
const STRICT_CSP = [
  "default-src 'none'",
  `script-src 'self' ${serverUrl} 'wasm-unsafe-eval'`,
  `connect-src ${serverUrl}`,
  `img-src ${serverUrl} data:`,
  "style-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

function strictPage() {
  return hostDocument("strict CSP", "", `<script src="/strict-csp.js"></script>
<script src="${serverUrl}/widget.js"></script>
<script src="/strict.js"></script>`);
}

const STRICT_CSP_RECORDER = `window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});`;

/** Where the hosted connect page sends the person back to (`redirect_uri`). */
function connectedPage(url) {
  const account = escapeHtml(url.searchParams.get("account_id") ?? "");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme — account connected</title></head>
<body><h1>Thanks! Account <output id="account-id">${account}</output> is connected.</h1></body>
</html>`;
}

function escapeHtml(text) {
  const entities = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  return text.replace(/[&<>"']/g, (c) => entities[c]);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", `http://localhost:${port}`);
  const send = (status, type, body) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  };
  switch (url.pathname) {
    case "/healthz":
      return send(200, "text/plain", "ok");
    case "/embed":
      return send(200, "text/html; charset=utf-8", embedPage(url));
    case "/module":
      return send(200, "text/html; charset=utf-8", modulePage());
    case "/strict":
      res.setHeader("content-security-policy", STRICT_CSP);
      return send(200, "text/html; charset=utf-8", strictPage());
    case "/strict-csp.js":
      return send(200, "text/javascript", STRICT_CSP_RECORDER);
    case "/strict.js":
      return send(200, "text/javascript", embedScript());
    case "/connected":
      return send(200, "text/html; charset=utf-8", connectedPage(url));
    default:
      return send(404, "text/plain", "not found");
  }
});

// No host: listen on every address, so "localhost" works whether it resolves to ::1 or
// 127.0.0.1.
server.listen(port, () => console.log(`host site on http://localhost:${port}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
