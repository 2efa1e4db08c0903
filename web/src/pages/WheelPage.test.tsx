import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { WheelPage, type WheelResult } from "./WheelPage";
import { I18nProvider } from "../lib/i18n";
import { GameProvider } from "../lib/game";

afterEach(() => vi.unstubAllGlobals());

const renderPage = () => render(<I18nProvider><GameProvider><WheelPage /></GameProvider></I18nProvider>);

const chance = (n: number, d: number) => ({ probability: n / d, numerator: n, denominator: d, one_in: d / n });
const RESULT: WheelResult = {
  game: "euromillions",
  numbers: [3, 7, 11, 19, 23, 28, 34, 41, 45],
  bonus: [],
  guarantee: { match: 3, if_drawn: 4 },
  seed: 1,
  tickets: [
    { numbers: [3, 7, 11, 19, 23], bonus: [] },
    { numbers: [3, 28, 34, 41, 45], bonus: [] },
    { numbers: [7, 11, 28, 34, 45], bonus: [] },
  ],
  count: 3,
  cost: { cents: 750, price_cents: 250, source: "https://example.org/prix", price_since: "2014-02-04" },
  verified: true,
  subsets_checked: 126,
  lower_bound: { value: 3, name: "counting bound", kind: "counting", tickets: 3 },
  best_known: { value: 3, tickets: 3, source: "bound", citation: "equals the proven lower bound" },
  optimal: true,
  full_wheel: 126,
  p_condition: chance(1, 400),
  odds: {
    p_ticket_matches_at_least_t: chance(5063, 1059380),
    expected_matching_tickets_per_draw: 0.0143,
    p_any_ticket_matches_at_least_t: chance(1, 80),
    p_any_of_as_many_independent_random_tickets: 0.0143,
  },
  search: { duration_ms: 12 },
  note: "A wheel does not change the odds.",
};

describe("WheelPage", () => {
  it("sends the picked numbers and guarantee, and shows the verified wheel with cost, bound and odds", async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(RESULT), { status: 200 }));
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "50" }));
    fireEvent.click(screen.getByRole("button", { name: "Construire le système" }));
    await waitFor(() => expect(screen.getByTestId("verified")).toHaveTextContent("Garantie vérifiée sur les 126 combinaisons de 4"));
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/euromillions/wheel");
    const sent = JSON.parse(init.body as string);
    expect(sent.numbers).toEqual([3, 7, 11, 19, 23, 28, 34, 41, 45, 50]);
    expect(sent.guarantee).toEqual({ match: 3, if_drawn: 4 });
    expect(sent.seed).toBe(1);
    expect(screen.getAllByTestId("ticket")).toHaveLength(3);
    expect(screen.getByTestId("cost")).toHaveTextContent("7,50");
    expect(screen.getByTestId("bound")).toHaveTextContent("3 grilles trouvées ; au moins 3 nécessaires ; système complet : 126");
    expect(screen.getByTestId("bound")).toHaveTextContent("borne de comptage");
    expect(screen.getByTestId("best-known")).toHaveTextContent("3 grilles (égal à la borne inférieure prouvée)");
    expect(screen.getByTestId("optimal")).toHaveTextContent("optimal : égal à la borne inférieure");
    expect(screen.getByTestId("p-condition")).toHaveTextContent("1 sur 400");
    expect(screen.getByTestId("reminder")).toHaveTextContent("le rendement par euro est le même");
  });

  it("says when no record is known: the size is the search's, beside the bound, and not optimal", async () => {
    const open = { ...RESULT, count: 4, best_known: null, optimal: false };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(open), { status: 200 })));
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "Construire le système" }));
    await waitFor(() => expect(screen.getByTestId("best-known")).toHaveTextContent("aucun record publié trouvé : 4 grilles"));
    expect(screen.getByTestId("best-known")).toHaveTextContent("au moins 3 sont nécessaires");
    expect(screen.queryByTestId("optimal")).toBeNull();
  });

  it("names a published record by its source", async () => {
    const known = { ...RESULT, count: 51, optimal: false, best_known: { value: 51, tickets: 51, source: "A066010", citation: "OEIS A066010" } };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(known), { status: 200 })));
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "Construire le système" }));
    await waitFor(() => expect(screen.getByTestId("best-known")).toHaveTextContent("51 grilles (OEIS A066010, nombres de recouvrement)"));
  });

  it("shows each 422 reason beside its field", async () => {
    const body = {
      detail: [
        { loc: ["body", "guarantee"], msg: "match (4) cannot exceed if_drawn (3)", type: "WheelRequestError" },
        { loc: ["body", "numbers"], msg: "number 1 is given twice", type: "WheelRequestError" },
      ],
    };
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status: 422 })));
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "Construire le système" }));
    const match = (await screen.findByTestId("error-match")).closest(".field") as HTMLElement;
    expect(within(match).getByText(/cannot exceed/)).toBeInTheDocument();
    expect(screen.getByTestId("error-numbers")).toHaveTextContent("given twice");
    expect(screen.queryByTestId("wheel-result")).toBeNull();
  });

  it("follows a queued search with a progress bar until the wheel arrives", async () => {
    const statuses = [
      { task_id: "t1", state: "PROGRESS", progress: { done: 40, total: 100 }, result: null, error: null },
      { task_id: "t1", state: "PROGRESS", progress: { done: 80, total: 100 }, result: null, error: null },
      { task_id: "t1", state: "SUCCESS", progress: { done: 100, total: 100 }, result: RESULT, error: null },
    ];
    let polls = 0;
    const seen: number[] = [];
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (init?.method === "POST") {
        return new Response(JSON.stringify({ task_id: "t1", status_url: "/api/euromillions/task-status/t1" }), { status: 202 });
      }
      const s = statuses[Math.min(polls, statuses.length - 1)];
      polls += 1;
      expect(url).toBe("/api/euromillions/task-status/t1");
      return new Response(JSON.stringify(s), { status: 200 });
    });
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "Construire le système" }));
    await waitFor(() => {
      const bar = screen.queryByTestId("progress");
      if (bar) seen.push(Number(bar.getAttribute("aria-valuenow")));
      expect(screen.getByTestId("verified")).toBeInTheDocument();
    }, { timeout: 3000 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(screen.getAllByTestId("ticket")).toHaveLength(3);
  });
});
