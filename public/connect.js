// The hosted connect page (`GET /connect?link_token=…`). A separate file because the
// page's CSP allows no inline script.
(function () {
  "use strict";
  var token = new URLSearchParams(location.search).get("link_token");
  if (!token) {
    document.getElementById("plugboard").textContent =
      "This link is incomplete: it has no link_token. Ask for a new link.";
    return;
  }
  new Plugboard({ linkToken: token }).renderConnectPage("plugboard");
})();
