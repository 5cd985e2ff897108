/**
 * Where the servers under test listen and the keys they trust.
 *
 * `cargo xtask test` sets every `E2E_*` variable (free ports, a fresh data directory,
 * fresh keys). The defaults let `npx playwright test` run by hand after
 * `cargo xtask build`.
 */
import os from "node:os";
import path from "node:path";

const e2eDir = __dirname;
const repoRoot = path.resolve(e2eDir, "..");

export const serverPort = Number(process.env.E2E_SERVER_PORT ?? 18080);
export const hostPort = Number(process.env.E2E_HOST_PORT ?? 13000);

/** The Plugboard server: API, widget assets, demo page, sandbox provider. */
export const serverUrl = process.env.E2E_SERVER_URL ?? `http://127.0.0.1:${serverPort}`;
/** A different origin playing the host application that embeds the widget. */
export const hostOrigin = `http://localhost:${hostPort}`;

export const apiKey = process.env.E2E_API_KEY ?? "pb_e2e_local_api_key";
export const appId = "acme";
export const appSecret = process.env.E2E_APP_SECRET ?? "e2e-local-app-secret";
const masterKey = process.env.E2E_MASTER_KEY ?? Buffer.alloc(32, 7).toString("base64");

export const paths = {
  e2eDir,
  repoRoot,
  serverBin: process.env.E2E_SERVER_BIN ?? path.join(repoRoot, "target/debug/plugboard"),
  publicDir: path.join(repoRoot, "public"),
  dataDir: process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `plugboard-e2e-${serverPort}`),
};

/** The server's configuration, entirely from environment variables (no file). */
export function serverEnvironment(): Record<string, string> {
  return {
    // The stories use /demo and the sandbox: development mode, as `cargo xtask run` starts.
    PLUGBOARD_SERVER_MODE: "development",
    PLUGBOARD_SERVER_BIND: `127.0.0.1:${serverPort}`,
    PLUGBOARD_SERVER_PUBLIC_URL: serverUrl,
    PLUGBOARD_SERVER_DATABASE_URL: `sqlite://${path.join(paths.dataDir, "plugboard.db")}`,
    PLUGBOARD_SERVER_ALLOWED_ORIGINS: hostOrigin,
    PLUGBOARD_SERVER_PUBLIC_DIR: paths.publicDir,
    PLUGBOARD_SECURITY_MASTER_KEY: masterKey,
    PLUGBOARD_SECURITY_API_KEYS: apiKey,
    PLUGBOARD_SECURITY_APP_ID: appId,
    PLUGBOARD_SECURITY_APP_SECRET: appSecret,
    PLUGBOARD_CONFIG: path.join(e2eDir, "plugboard.e2e.toml"),
    // Every story's browser comes from 127.0.0.1: one address, far more sign-ins a minute
    // than a person makes. The limits themselves are tested in server/tests/api/limits.rs.
    PLUGBOARD_LIMITS_UNAUTHENTICATED_PER_MINUTE: "100000",
    // Warnings and errors only: the suite's own output stays readable.
    RUST_LOG: process.env.RUST_LOG ?? "plugboard_server=warn,tower_http=warn",
  };
}

/**
 * Debian's Chromium, never a browser Playwright downloads. Playwright refuses
 * `--user-data-dir` here (it manages profiles itself).
 */
export const chromiumLaunchOptions = {
  executablePath: process.env.E2E_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
