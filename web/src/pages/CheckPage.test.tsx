import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { CheckPage } from "./CheckPage";
import { I18nProvider } from "../lib/i18n";
import { GameProvider } from "../lib/game";
import { parseTickets } from "../lib/check";

afterEach(() => vi.unstubAllGlobals());

const renderPage = () => render(<I18nProvider><GameProvider><CheckPage /></GameProvider></I18nProvider>);
const sentBody = (mock: ReturnType<typeof vi.fn>) => JSON.parse((mock.mock.calls[0] as unknown as [string, RequestInit])[1].body as string);

const ticket = {
  index: 0,
  numbers: [2, 12, 20, 38, 45],
  bonus: [2, 7],
  draws_played: 100,
  not_playable: [{ from: "2004-02-13", until: "2011-05-10", draws: 375, reason: "star 12 outside 1..9 under the rules of 2004-02-13" }],
  cost_cents: 25000,
  unpriced_draws: 0,
  price_sources: ["FDJ"],
  wins_count: 2,
  wins_by_pattern: { "5+1": 1, "2+1": 1 },
  wins_without_payout: 0,
  won_cents: 19544220 + 1080,
  net_cents: 19544220 + 1080 - 25000,
  best_win: { date: "2026-05-19", rank: 2, pattern: "5+1", payout_cents: 19544220 },
  exact_combination_drawn: [],
  wins: [{ date: "2026-05-19", rank: 2, pattern: "5+1", payout_cents: 19544220 }],
  wins_truncated: true,
};
const answer = {
  game: "euromillions",
  window: { from: "2020-01-01" },
  data_version: "v1",
  draws: { count: 100, first: "2020-01-03", last: "2026-05-19" },
  totals: { tickets: 1, draws_played: 100, cost_cents: 25000, won_cents: ticket.won_cents, net_cents: ticket.net_cents, wins: 2, unpriced_draws: 0 },
  wins_listed: 1,
  max_win_rows: 1,
  tickets: [ticket],
  duration_ms: 3,
  note: "Payouts are FDJ's per-winner figures.",
};

describe("parseTickets", () => {
  it("reads one grid per line, skips blank lines and flags unreadable ones with their line number", () => {
    const p = parseTickets("2 12 20 38 45 | 2 5\n\n1,2,3,4,5|1 12\n1 2 x | 3", "bad");
    expect(p.tickets).toEqual([{ numbers: [2, 12, 20, 38, 45], bonus: [2, 5] }, { numbers: [1, 2, 3, 4, 5], bonus: [1, 12] }]);
    expect(p.errors).toEqual([{ line: 4, msg: "bad" }]);
  });
});

describe("CheckPage", () => {
  it("posts the pasted grids with the window and shows wins, totals and unplayable draws", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(answer), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    fireEvent.change(screen.getByLabelText(/Grilles, une par ligne/), { target: { value: "2 12 20 38 45 | 2 7" } });
    fireEvent.change(screen.getByLabelText("Depuis le (facultatif)"), { target: { value: "2020-01-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Vérifier" }));
    const result = await screen.findByTestId("check-result");
    expect(sentBody(fetchMock)).toEqual({ tickets: [{ numbers: [2, 12, 20, 38, 45], bonus: [2, 7] }], window: { from: "2020-01-01" } });
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe("/api/euromillions/check");
    const row = within(result).getByTestId("win");
    expect(row).toHaveTextContent("5+1");
    expect(row).toHaveTextContent(/195\s?442,20\s?€/);
    expect(within(result).getByTestId("not-playable")).toHaveTextContent("star 12 outside 1..9");
    expect(within(result).getByTestId("net")).toHaveTextContent(/195\s?203,00\s?€/);
    expect(within(result).getAllByText(/1 gains listés sur 2/)).toHaveLength(2); // the answer and the ticket
  });

  it("shows each 422 reason with the line of the ticket it names", async () => {
    const body = {
      detail: [
        { loc: ["body", "tickets", 1, "bonus"], msg: "star 13 outside 1..12", type: "CheckRequestError" },
        { loc: ["body", "tickets", 2, "numbers"], msg: "repeated number in [1, 1, 2, 3, 4]", type: "CheckRequestError" },
      ],
    };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status: 422 })));
    renderPage();
    fireEvent.change(screen.getByLabelText(/Grilles, une par ligne/), {
      target: { value: "1 2 3 4 5 | 1 2\n\n1 2 3 4 5 | 1 13\n1 1 2 3 4 | 1 2" },
    });
    fireEvent.click(screen.getByRole("button", { name: "Vérifier" }));
    const errors = await screen.findByTestId("check-errors");
    expect(errors).toHaveTextContent("Ligne 3 : star 13 outside 1..12");
    expect(errors).toHaveTextContent("Ligne 4 : repeated number in [1, 1, 2, 3, 4]");
  });

  it("refuses an unreadable line before sending anything", async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    fireEvent.change(screen.getByLabelText(/Grilles, une par ligne/), { target: { value: "1 2 3 4 5 | 1 2 | 3" } });
    fireEvent.click(screen.getByRole("button", { name: "Vérifier" }));
    await waitFor(() => expect(screen.getByTestId("check-errors")).toHaveTextContent("Ligne 1 : Ligne illisible"));
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
