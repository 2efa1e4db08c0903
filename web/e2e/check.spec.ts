/** End-to-end: the Vérifier screen against the real API (LOTOSTATS_BASE_URL). */
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";

test.beforeEach(async ({ page }) => {
  await page.addInitScript(() => {
    if (!localStorage.getItem("lotostats.game")) localStorage.setItem("lotostats.game", "euromillions");
    if (!localStorage.getItem("lotostats.lang")) localStorage.setItem("lotostats.lang", "fr");
  });
});

test("Vérifier: a pasted grid shows the API's wins with FDJ's payout, and its totals", async ({ page, request }) => {
  const ticket = { numbers: [2, 12, 20, 38, 45], bonus: [2, 7] };
  const api = await request.post("/api/euromillions/check", { data: { tickets: [ticket], window: { from: "2026-01-01" } } });
  expect(api.ok()).toBeTruthy();
  const body = await api.json();
  const wins = body.tickets[0].wins as { date: string; pattern: string }[];
  expect(wins.some((w) => w.date === "2026-05-19" && w.pattern === "5+1")).toBeTruthy();

  await page.goto("/check");
  await page.getByRole("link", { name: "Vérifier" }).waitFor();
  await page.getByLabel(/Grilles, une par ligne/).fill("2 12 20 38 45 | 2 7");
  await page.getByLabel("Depuis le (facultatif)").fill("2026-01-01");
  await page.getByRole("button", { name: "Vérifier", exact: true }).click();
  const result = page.getByTestId("check-result");
  await expect(result).toBeVisible();
  await expect(result.getByTestId("win")).toHaveCount(wins.length);
  await expect(result.getByTestId("win").filter({ hasText: "5+1" })).toContainText(/195\s?442,20\s?€/);
  const violations = (await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(violations.map((v) => v.id)).toEqual([]);
});

test("Vérifier: each 422 reason is shown with the line of its ticket", async ({ page, watch }) => {
  watch.allow(/Failed to load resource.*422/);
  await page.goto("/check");
  await page.getByLabel(/Grilles, une par ligne/).fill("1 2 3 4 5 | 1 2\n1 2 3 4 5 | 1 13");
  await page.getByRole("button", { name: "Vérifier", exact: true }).click();
  await expect(page.getByTestId("check-errors")).toContainText("Ligne 2 : star 13 outside 1..12");
});
