import { afterEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { GeneratePage } from "./GeneratePage";
import { I18nProvider } from "../lib/i18n";
import { GameProvider } from "../lib/game";

afterEach(() => vi.unstubAllGlobals());

const renderPage = () => render(<I18nProvider><GameProvider><GeneratePage /></GameProvider></I18nProvider>);

describe("GeneratePage errors", () => {
  it("shows each 422 message beside the field named by the end of its loc", async () => {
    const body = {
      detail: [
        { loc: ["body", "count"], msg: "Input should be less than or equal to 10000", type: "less_than_equal" },
        { loc: ["body", "window", "last"], msg: "last must be at least 1", type: "x" },
      ],
    };
    const fetchMock = vi.fn(async () => new Response(JSON.stringify(body), { status: 422 }));
    vi.stubGlobal("fetch", fetchMock);
    renderPage();
    fireEvent.change(screen.getByLabelText("Nombre de grilles"), { target: { value: "20000" } });
    fireEvent.click(screen.getByRole("button", { name: "Générer" }));
    const count = screen.getByLabelText("Nombre de grilles").closest(".field") as HTMLElement;
    await waitFor(() => expect(within(count).getByText(body.detail[0].msg)).toBeInTheDocument());
    const last = screen.getByLabelText(/Fenêtre/).closest(".field") as HTMLElement;
    expect(within(last).getByText(body.detail[1].msg)).toBeInTheDocument();
    expect(screen.getByLabelText("Nombre de grilles")).toHaveAttribute("aria-invalid", "true");
    const sent = JSON.parse((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body as string);
    expect(sent.count).toBe(20000);
  });

  it("shows 'retry after N s' from a 429's Retry-After header", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ detail: [{ loc: [], msg: "rate limited", type: "rate_limited" }] }), { status: 429, headers: { "Retry-After": "12" } })));
    renderPage();
    fireEvent.click(screen.getByRole("button", { name: "Générer" }));
    await waitFor(() => expect(screen.getByTestId("retry-after")).toHaveTextContent("réessayez dans 12 s"));
  });
});
