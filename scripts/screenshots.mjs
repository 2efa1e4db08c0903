// Screenshots for the README and the docs, in Debian's Chromium through the web app's Playwright.
//
//   node scripts/screenshots.mjs <web app URL> <Dagster UI URL> <output folder>
//
// Run by scripts/screenshots.py (which starts or finds the platform and writes the sidecar JSON).
// Writes webapp.png (the Statistiques screen, 1440 px) and dagster-assets.png (the asset graph).
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const ROOT = resolve(new URL("..", import.meta.url).pathname);
const require = createRequire(join(ROOT, "web", "package.json"));
const { chromium } = require("@playwright/test");

const [webUrl, dagsterUrl, outDir] = process.argv.slice(2);
if (!webUrl || !dagsterUrl || !outDir) {
  console.error("usage: node scripts/screenshots.mjs <web app URL> <Dagster UI URL> <output folder>");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: "fr-FR" });
  await context.addInitScript(() => {
    localStorage.setItem("lotostats.game", "euromillions");
    localStorage.setItem("lotostats.lang", "fr");
  });
  const page = await context.newPage();

  await page.goto(new URL("/?year=2025", webUrl).href);
  await page.locator('[data-testid="draw-count"]').first().waitFor({ state: "visible", timeout: 30_000 });
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: join(outDir, "webapp.png") });
  console.log(`wrote ${join(outDir, "webapp.png")}`);

  // The global asset lineage of the Dagster UI with every group open (the UI keeps the open groups in
  // localStorage: read the group names from the collapsed graph, open them all, reload).
  const dagster = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
  await dagster.addInitScript(() => {
    localStorage.setItem("communityNux", '"1"'); // the newsletter dialog, answered
  });
  const graph = await dagster.newPage();
  await graph.goto(new URL("/asset-groups", dagsterUrl).href);
  const collapsed = graph.locator('foreignObject [class*="CollapsedGroupNode"] [data-tooltip]');
  await collapsed.first().waitFor({ state: "visible", timeout: 60_000 });
  const groups = [...new Set(await collapsed.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-tooltip"))))];
  await graph.evaluate((names) => {
    const expanded = names.map((g) => `global@global:${g}`).join(",");
    localStorage.setItem("asset-graph-open-graph-nodes-global-__GLOBAL__", JSON.stringify({ expanded }));
  }, groups);
  // More room for the graph: the side navigation and the asset explorer folded (both kept in localStorage).
  await graph.getByRole("button", { name: "Hide navigation" }).click();
  await graph.locator('input[placeholder^="Jump to"] ~ button, input[placeholder^="Jump to"] + * button').first().click().catch(() => {});
  await graph.reload();
  await graph.getByText("serving_snapshot").first().waitFor({ state: "visible", timeout: 60_000 });
  await graph.waitForLoadState("networkidle");
  await graph.waitForTimeout(2000); // the graph's layout and zoom settle after its data arrives
  for (let i = 0; i < 3; i++) await graph.locator('[aria-label="zoom_out"]').first().click(); // all of it in view
  await graph.waitForTimeout(1000);
  await graph.screenshot({ path: join(outDir, "dagster-assets.png") });
  console.log(`wrote ${join(outDir, "dagster-assets.png")}`);
} finally {
  await browser.close();
}
