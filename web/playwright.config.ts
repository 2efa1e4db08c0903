import { defineConfig } from "@playwright/test";

/** Debian's Chromium (never a downloaded browser) against a running lotostats (LOTOSTATS_BASE_URL). */
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const baseURL = process.env.LOTOSTATS_BASE_URL || "http://127.0.0.1:8000";

export default defineConfig({
  testDir: "e2e",
  outputDir: "e2e/artifacts/test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL,
    browserName: "chromium",
    launchOptions: { executablePath, args: ["--no-sandbox"] },
    viewport: { width: 1440, height: 900 },
    locale: "fr-FR",
    trace: "off",
    screenshot: "only-on-failure",
  },
});
