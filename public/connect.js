// The hosted connect page (`GET /connect?link_token=…`). A separate file because the
// page's CSP allows no inline script. Optional parameters: `locale` (de, fr, es, pt-BR…),
// `theme` (light or dark; default: the device's), `redirect=1` (no popup: the page itself
// goes to the provider and comes back, for in-app browsers).
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var token = params.get("link_token");
  if (!token) {
    document.getElementById("plugboard").textContent =
      "This link is incomplete: it has no link_token. Ask for a new link.";
    return;
  }
  var config = {};
  if (params.get("locale")) config.locale = params.get("locale");
  var mode = params.get("theme");
  if (mode === "light" || mode === "dark") {
    config.theme = { mode: mode };
    document.documentElement.style.colorScheme = mode;
  }
  if (params.get("redirect") === "1") config.redirect = true;
  new Plugboard({ linkToken: token }).renderConnectPage("plugboard", config);
})();
