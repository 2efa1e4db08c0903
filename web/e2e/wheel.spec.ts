/** Systèmes: a wheel answered inline, one from the shipped table on 20 numbers with its bound and best known, a 422 by its field, axe. */
import AxeBuilder from "@axe-core/playwright";
import { expect, openScreen, test } from "./fixtures";

const ARTIFACTS = "e2e/artifacts/";

test("Systèmes: an inline wheel is verified and matches the API; no serious axe violation at 1440 and 390 px", async ({ page, request }) => {
  await openScreen(page, "/systemes", "form.wheelform");
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/euromillions/wheel") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Construire le système" }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  const body = await response.json();
  await expect(page.getByTestId("verified")).toContainText(`${body.subsets_checked}`);
  await expect(page.getByTestId("ticket")).toHaveCount(body.count);
  await expect(page.getByTestId("reminder")).toContainText("le rendement par euro est le même");
  // the same request from outside the page: same tickets (same seed)
  const direct = await request.post("/api/euromillions/wheel", {
    data: { numbers: body.numbers, guarantee: body.guarantee, seed: body.seed },
  });
  expect((await direct.json()).tickets).toEqual(body.tickets);
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width > 500 ? 900 : 844 });
    await page.screenshot({ path: `${ARTIFACTS}wheel-${width}.png`, fullPage: true });
    const axe = await new AxeBuilder({ page }).analyze();
    const bad = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`), `axe at ${width}px`).toEqual([]);
  }
});

test("Systèmes: 20 numbers, 3 if 3 comes at once from the shipped table, verified, with the bound and the best known beside it", async ({ page }) => {
  await openScreen(page, "/systemes", "form.wheelform");
  const picks = page.getByRole("group", { name: /Vos numéros/ });
  for (const n of [1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14]) await picks.getByRole("button", { name: String(n), exact: true }).click();
  await expect(page.getByText("Vos numéros (20 choisis")).toBeVisible();
  await page.getByLabel(/^Garantie/).selectOption("3");
  await page.getByLabel(/si ce nombre/).selectOption("3");
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/euromillions/wheel"));
  await page.getByRole("button", { name: "Construire le système" }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.verified).toBe(true);
  expect(body.subsets_checked).toBe(1140);
  expect(body.search.from_table).toBe(true);
  await expect(page.getByTestId("verified")).toContainText("Garantie vérifiée");
  await expect(page.getByTestId("ticket")).toHaveCount(body.count);
  await expect(page.getByTestId("bound")).toContainText(`au moins ${body.lower_bound.tickets} nécessaires`);
  await expect(page.getByTestId("best-known")).toContainText(body.best_known ? "grilles (" : "aucun record publié trouvé");
  console.log(`table wheel: ${body.count} tickets (bound ${body.lower_bound.value}) in ${body.search.duration_ms} ms`);
});

test("Systèmes: an impossible guarantee shows the API's reason beside the guarantee", async ({ page, watch }) => {
  watch.allow(/status of 422/);
  await openScreen(page, "/systemes", "form.wheelform");
  await page.getByLabel(/^Garantie/).selectOption("4");
  await page.getByLabel(/si ce nombre/).selectOption("3");
  await page.getByRole("button", { name: "Construire le système" }).click();
  await expect(page.locator('[data-field="match"] [data-testid="error-match"]')).toContainText("cannot exceed");
});
