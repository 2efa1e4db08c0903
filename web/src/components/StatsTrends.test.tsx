import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StatsTrends } from "./StatsTrends";
import { BacktestWeeks } from "./BacktestWeeks";
import { I18nProvider } from "../lib/i18n";
import { GameProvider } from "../lib/game";
import { ballRows, chiRows, weekTable, type Trends } from "../lib/trends";

afterEach(() => vi.unstubAllGlobals());

function trends(number: number): Trends {
  return {
    game: "euromillions",
    data_version: "3-abc",
    ball: "number",
    window: "year",
    rolling_draws: 100,
    windows: [
      { label: "2024", period_end: "2024-12-31", draws: 105 },
      { label: "2025", period_end: "2025-12-30", draws: 104 },
    ],
    series: [{ number, count: [number + 10, 7], eligible_draws: [105, 104], frequency: [(number + 10) / 105, 7 / 104], expected: [10.5, 10.4], max_gap: [20, 30], current_gap: [1, 2] }],
    chi_square: [
      { period: "year", period_end: "2024-12-31", label: "2024", ball: "number", draws: 105, corrected_statistic: 50, df: 49, p_value: 0.43, comparisons: 2, cutoff: 0.025, level: "none" },
      { period: "cumulative", period_end: "2024-12-31", label: "2024", ball: "number", draws: 1800, corrected_statistic: 70, df: 49, p_value: 0.03, comparisons: 2, cutoff: 0.025, level: "nominal" },
      { period: "year", period_end: "2025-12-30", label: "2025", ball: "number", draws: 104, corrected_statistic: 40, df: 49, p_value: 0.00001, comparisons: 2, cutoff: 0.025, level: "beyond_chance" },
    ],
    backtests: [
      { week: "2026-11-02", run_date: "2026-11-05", strategy: "random", targets: 200, mean_main_matches: 0.5, expected_main_matches: 0.5, p_value: 0.4, comparisons: 12, cutoff: 0.05 / 12, level: "none", verdict: "no difference" },
      { week: "2026-11-09", run_date: "2026-11-09", strategy: "random", targets: 200, mean_main_matches: 0.56, expected_main_matches: 0.5, p_value: 0.02, comparisons: 12, cutoff: 0.05 / 12, level: "nominal", verdict: "more main numbers" },
    ],
    alpha: 0.05,
    note: "None of it predicts a draw.",
  };
}

function renderWith(node: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <I18nProvider>
        <GameProvider>{node}</GameProvider>
      </I18nProvider>
    </QueryClientProvider>,
  );
}

describe("trend helpers", () => {
  it("aligns a ball's counts with the windows and gives the fair frequency", () => {
    const rows = ballRows(trends(3), 3);
    expect(rows.map((r) => [r.label, r.count])).toEqual([["2024", 13], ["2025", 7]]);
    expect(rows[0].expectedFrequency).toBeCloseTo(0.1);
    expect(ballRows(trends(3), 4)[0].count).toBeNull();
  });
  it("pairs the year and cumulative p by year, floors tiny p for the log axis", () => {
    expect(chiRows(trends(1).chi_square)).toEqual([
      { label: "2024", year: 0.43, cumulative: 0.03 },
      { label: "2025", year: 0.0001, cumulative: null },
    ]);
  });
  it("groups the weekly verdicts by week", () => {
    expect(weekTable(trends(1).backtests).map((w) => w.week)).toEqual(["2026-11-02", "2026-11-09"]);
  });
});

describe("StatsTrends", () => {
  it("asks for the chosen number's per-year trends and shows its counts and the cutoff", async () => {
    const fetchMock = vi.fn(async (url: string) => {
      const n = Number(new URL(url, "http://x").searchParams.get("number"));
      return new Response(JSON.stringify(trends(n)), { status: 200, headers: { "X-Cache": "MISS" } });
    });
    vi.stubGlobal("fetch", fetchMock);
    renderWith(<StatsTrends />);
    await waitFor(() => expect(screen.getByTestId("trend-count-2024")).toHaveTextContent("11"));
    expect(fetchMock.mock.calls[0][0]).toBe("/api/euromillions/trends?ball=number&window=year&number=1");
    expect(screen.getByTestId("trends-chi-note")).toHaveTextContent("0,025");
    fireEvent.change(screen.getByTestId("trends-number"), { target: { value: "7" } });
    await waitFor(() => expect(screen.getByTestId("trend-count-2024")).toHaveTextContent("17"));
    expect(fetchMock.mock.calls.at(-1)?.[0]).toBe("/api/euromillions/trends?ball=number&window=year&number=7");
  });

  it("shows the API's error instead of a chart", async () => {
    const body = { detail: [{ loc: ["query", "number"], msg: "euromillions bonus balls run 1..12, got 13", type: "InvalidFilterError" }] };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status: 422 })));
    renderWith(<StatsTrends />);
    await waitFor(() => expect(screen.getByText(/run 1\.\.12, got 13/)).toBeInTheDocument());
  });
});

describe("BacktestWeeks", () => {
  it("shows each week's verdict per strategy, worded by level", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(trends(1)), { status: 200 })));
    renderWith(<BacktestWeeks />);
    await waitFor(() => expect(screen.getByTestId("week-2026-11-09-random")).toHaveTextContent("au seuil de 5 %"));
    expect(screen.getByTestId("week-2026-11-02-random")).toHaveTextContent("aucune différence");
  });
});
