import { afterEach, describe, expect, it, vi } from "vitest";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { OddsPage, todayUtc } from "./OddsPage";
import { I18nProvider } from "../lib/i18n";
import { GameProvider } from "../lib/game";
import type { OddsAnswer } from "../lib/types";

afterEach(() => vi.unstubAllGlobals());

const renderPage = () =>
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <I18nProvider>
        <GameProvider>
          <OddsPage />
        </GameProvider>
      </I18nProvider>
    </QueryClientProvider>,
  );

const answer = (date: string): OddsAnswer => ({
  date,
  game: "euromillions",
  data_version: "v1",
  era: {
    start: "2016-09-27",
    end: null,
    numbers: "5 of 1-50",
    bonus: "2 stars of 1-12",
    numbers_count: 5,
    numbers_max: 50,
    bonus_count: 2,
    bonus_max: 12,
    combinations: 139838160,
  },
  price: { start: "2014-02-04", cents: 250, euros: 2.5, source: "https://example.org/price", note: "with My Million" },
  draws_covered: 1007,
  first_draw: "2016-09-27",
  last_draw: "2026-05-19",
  ranks: [
    {
      rank: 1,
      pattern: "5+2",
      probability: 1 / 139838160,
      probability_exact: "1/139838160",
      one_in: 139838160,
      one_in_rounded: 139838160,
      payout: { draws_paid: 170, draws_without_winner: 837, mean: 82553732.02, median: 65809766.5, minimum: 1, maximum: 2, fdj_ranks: [1] },
      return_per_euro: 0.236,
    },
    {
      rank: 13,
      pattern: "2+0",
      probability: 0.0456,
      probability_exact: "x/y",
      one_in: 21.9,
      one_in_rounded: 21.9,
      payout: { draws_paid: 1007, draws_without_winner: 0, mean: 4.12, median: 4.1, minimum: 3, maximum: 5, fdj_ranks: [13] },
      return_per_euro: 0.075,
    },
  ],
  any_rank: { probability: 0.077, probability_exact: "a/b", one_in: 12.97, one_in_rounded: 12.97 },
  value: { below_jackpot: 0.2079, jackpot: 0.2361, total: 0.444, ranks_without_payout: [], jackpot_note: "The jackpot was won in 170 of 1007 draws." },
  notes: ["No strategy.", "My Million is not counted."],
});

describe("OddsPage", () => {
  it("asks for today (UTC) and shows the era, 1 in N, payouts, the price with its source and the value per euro", async () => {
    const fetchMock = vi.fn(async (url: string) => new Response(JSON.stringify(answer(new URL(url, "http://x").searchParams.get("date")!)), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    await waitFor(() => expect(screen.getByTestId("rank-1")).toBeInTheDocument());
    expect(fetchMock.mock.calls[0][0]).toBe(`/api/euromillions/odds?date=${todayUtc()}`);
    expect(within(screen.getByTestId("rank-1")).getByTestId("one-in-1").textContent).toMatch(/^1 sur 139\s838\s160$/);
    expect(screen.getByTestId("one-in-13")).toHaveTextContent("1 sur 21,9");
    expect(within(screen.getByTestId("rank-1")).getByText("170 / 837")).toBeInTheDocument();
    expect(screen.getByTestId("price")).toHaveTextContent("2,50");
    expect(screen.getByRole("link", { name: "source" })).toHaveAttribute("href", "https://example.org/price");
    expect(screen.getByTestId("value-below")).toHaveTextContent("0,208");
    expect(screen.getByTestId("value-jackpot")).toHaveTextContent("0,236");
    expect(screen.getByTestId("any-rank")).toHaveTextContent("1 sur 12,97");
    expect(screen.getByTestId("no-strategy")).toHaveTextContent("Aucune stratégie ne change ces chances");
    expect(screen.getByText("My Million is not counted.")).toBeInTheDocument();
    expect(screen.getByTestId("era")).toHaveTextContent(/5 numéros parmi 50 et 2 étoile\(s\) parmi 12 : 139\s838\s160 combinaisons/);
    expect(screen.getByTestId("jackpot-note")).toHaveTextContent(/gagné lors de 170 des 1\s007 tirages/);
  });

  it("asks again for the date picked and shows the API's 422 reason", async () => {
    const msg = "odds of euromillions exist from 2004-02-13 to today (2026-12-01); got 2001-01-01";
    const fetchMock = vi.fn(async (url: string) =>
      url.includes("2001-01-01")
        ? new Response(JSON.stringify({ detail: [{ loc: ["query", "date"], msg, type: "InvalidFilterError" }] }), { status: 422 })
        : new Response(JSON.stringify(answer("2020-01-01")), { status: 200 }),
    );
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    await waitFor(() => expect(screen.getByTestId("rank-1")).toBeInTheDocument());
    fireEvent.change(screen.getByLabelText("Date"), { target: { value: "2001-01-01" } });
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent(msg));
    expect(fetchMock.mock.calls.at(-1)![0]).toBe("/api/euromillions/odds?date=2001-01-01");
    expect(screen.queryByTestId("rank-1")).not.toBeInTheDocument();
  });
});
