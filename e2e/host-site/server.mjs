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
];

/** `/embed?link_token=…` or `/embed?app_id=…&user_id=…&hash=…`: the widget in a modal. */
function embedPage() {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Acme — connect your accounts</title>
</head>
<body>
<main>
  <h1>Acme settings</h1>
  <div id="connect"></div>
  <h2>Events</h2>
  <ol id="event-log"></ol>
</main>
<script src="${serverUrl}/widget.js"></script>
<script>
  window.plugboardEvents = [];
  const params = new URLSearchParams(location.search);
  const serverUrl = ${JSON.stringify(serverUrl)};
  const options = params.has("link_token")
    ? { serverUrl, linkToken: params.get("link_token") }
    : { serverUrl, appId: params.get("app_id"), userId: params.get("user_id"), hash: params.get("hash") };
  const sdk = new Plugboard(options);
  const log = document.getElementById("event-log");
  for (const name of ${JSON.stringify(EVENTS)}) {
    sdk.eventEmitter.on(name, (payload) => {
      window.plugboardEvents.push({ name, payload });
      const item = document.createElement("li");
      item.textContent = name + " " + JSON.stringify(payload);
      log.append(item);
    });
  }
  sdk.renderAccountConnectionModal();
</script>
</body>
</html>`;
}

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
      return send(200, "text/html; charset=utf-8", embedPage());
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
