import fs from "node:fs";

import { test } from "@playwright/test";

const loads = Number(process.env.BENCH_LOADS ?? 20);

// The widget loader marks "plugboard:render" when renderAccountConnectionModal() is
// called; the wasm marks "plugboard:apps-painted" once the app list is on screen.
test(`renderAccountConnectionModal() to painted app list, ${loads} cold loads`, async ({ browser }) => {
  const samples: number[] = [];
  for (let i = 0; i < loads; i++) {
    // A new context per load: empty HTTP cache, no service worker, no storage.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/demo?tenant_id=bench-${i}`);
    await page.waitForFunction(() => performance.getEntriesByName("plugboard:apps-painted").length > 0, null, {
      timeout: 30_000,
    });
    const ms = await page.evaluate(
      () => performance.measure("plugboard:render-to-apps", "plugboard:render", "plugboard:apps-painted").duration,
    );
    console.log(`load ${i + 1}/${loads}: ${ms.toFixed(1)} ms`);
    samples.push(ms);
    await context.close();
  }
  if (process.env.BENCH_OUT) {
    fs.writeFileSync(process.env.BENCH_OUT, samples.map((ms) => ms.toFixed(3)).join("\n") + "\n");
  }
});
