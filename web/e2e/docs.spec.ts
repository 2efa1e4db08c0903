/** The API's own documentation pages render under their Content Security Policy (inline script by hash). */
import { expect, test } from "./fixtures";

test("/docs: Swagger UI lists the operations with the CSP enforced", async ({ page }) => {
  const response = await page.goto("/docs");
  expect(response?.headers()["content-security-policy"]).toContain("'sha256-");
  await expect(page.locator(".opblock").first()).toBeVisible();
  await expect(page.getByText("/api/{game}/quick-stats").first()).toBeVisible();
});

test("/redoc: ReDoc renders the schema with the CSP enforced", async ({ page, watch }) => {
  // ReDoc's bundle shows its logo from its makers' CDN: the policy blocks it (nothing leaves this host).
  watch.allow(/cdn\.redoc\.ly/);
  await page.goto("/redoc");
  await expect(page.getByText("/api/{game}/quick-stats").first()).toBeVisible({ timeout: 20_000 });
});
