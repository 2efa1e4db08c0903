/**
 * Shared e2e fixture: every page fails its test on a console error, a page error, a request to another
 * host, a Content Security Policy violation, or a document served without a policy (the server's CSP is
 * enforced in every test).
 */
import { test as base, expect, type Page } from "@playwright/test";

export const SCREENS = [
  { name: "statistiques", path: "/", ready: '[data-testid="draw-count"]' },
  { name: "tirages", path: "/tirages", ready: '[data-testid="draw"]' },
  { name: "generer", path: "/generer", ready: "form.genform" },
  { name: "verifier", path: "/verifier", ready: "form.checkform" },
  { name: "chances", path: "/chances", ready: '[data-testid="rank-1"]' },
  { name: "systemes", path: "/systemes", ready: "form.wheelform" },
  { name: "performance", path: "/performance", ready: '[data-testid="strategy-random"]' },
  { name: "rapport", path: "/rapport", ready: 'iframe.report, [data-testid="no-report"]' },
];

interface Watch {
  problems: string[];
  /** Console messages a test expects (Chromium logs every 4xx answer as "Failed to load resource"). */
  allow: (pattern: RegExp) => void;
}

export const test = base.extend<{ watch: Watch }>({
  watch: [
    async ({ page, baseURL }, use) => {
      const origin = new URL(baseURL!).origin;
      const problems: string[] = [];
      const allowed: RegExp[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" && !allowed.some((re) => re.test(msg.text()))) problems.push(`console error: ${msg.text()}`);
      });
      page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) =>
          console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "an inline block"}`),
        );
      });
      page.on("response", (response) => {
        const request = response.request();
        if (request.resourceType() === "document" && new URL(request.url()).origin === origin) {
          if (!response.headers()["content-security-policy"]) problems.push(`no CSP on ${request.url()}`);
        }
      });
      await page.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("data:") || url.startsWith("blob:") || new URL(url).origin === origin) return route.continue();
        problems.push(`request to another host: ${url}`);
        return route.abort();
      });
      await use({ problems, allow: (re) => allowed.push(re) });
      expect(problems, "console errors, page errors or foreign requests").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Opens a screen for EuroMillions in French and waits until its content is there. */
export async function openScreen(page: Page, path: string, ready: string) {
  await page.goto(path);
  await expect(page.locator(ready).first()).toBeVisible();
}
