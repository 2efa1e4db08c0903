/** End-to-end: the Chances page against the real API (LOTOSTATS_BASE_URL): figures equal the API, a date
 *  of another era switches the rules, a date before the game shows the 422 reason, axe at 1440 and 390 px. */
import { mkdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, openScreen, test } from "./fixtures";

const ARTIFACTS = new URL("./artifacts/", import.meta.url).pathname;
mkdirSync(ARTIFACTS, { recursive: true });

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    if (!localStorage.getItem("lotostats.game")) localStorage.setItem("lotostats.game", "euromillions");
    if (!localStorage.getItem("lotostats.lang")) localStorage.setItem("lotostats.lang", "fr");
  });
});

/** "1 sur 139 838 160" -> "139838160"; "1 sur 21,9" -> "219" (the N's digits, API or screen). */
const digits = (s: string | null) => (s ?? "").replace(/^1 sur /, "").replace(/\D/g, "");

test("Chances: today's odds and payouts equal the API; 2010 shows the 9-star era; 2001 shows the 422 reason", async ({ page, request, watch }) => {
  const today = new Date().toISOString().slice(0, 10);
  const api = await (await request.get(`/api/euromillions/odds?date=${today}`)).json();
  await openScreen(page, "/odds", '[data-testid="rank-1"]');
  await expect(page.getByTestId("no-strategy")).toBeVisible();
  for (const r of api.ranks) {
    expect(digits(await page.getByTestId(`one-in-${r.rank}`).textContent())).toBe(digits(String(r.one_in_rounded)));
  }
  await expect(page.getByTestId("rank-1")).toContainText(`${api.ranks[0].payout.draws_paid} / ${api.ranks[0].payout.draws_without_winner}`);
  await expect(page.getByRole("link", { name: "source" })).toHaveAttribute("href", api.price.source);
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${ARTIFACTS}odds-${width}.png`, fullPage: true });
    const axe = await new AxeBuilder({ page }).analyze();
    const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), `axe at ${width}px`).toEqual([]);
  }

  await page.getByLabel("Date").fill("2010-05-07");
  await expect(page.getByTestId("one-in-1")).toHaveText(/76\s275\s360/);
  await expect(page.getByTestId("price")).toContainText("2,00");

  watch.allow(/status of 422/);
  await page.getByLabel("Date").fill("2001-01-01");
  await expect(page.getByRole("alert")).toContainText("from 2004-02-13");
});
