// Starts the console (public/console/index.html). A separate file because the page's CSP
// allows no inline script.

// The theme chosen last time, before anything is drawn, so a dark console does not flash
// white while the wasm loads (console/src/theme.rs keeps it under the same key).
try {
  const theme = localStorage.getItem("plugboard-console-theme");
  if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
} catch {
  // Storage refused (private window): the device's theme it is.
}

try {
  const { default: init } = await import("/console/pkg/plugboard_console.js");
  await init({ module_or_path: "/console/pkg/plugboard_console_bg.wasm" });
} catch (error) {
  console.error("Plugboard console:", error);
  const status = document.querySelector("#console [role=status]");
  if (status) {
    status.textContent =
      "The console could not load. Build it with `cargo xtask build`, then reload this page.";
  }
}
