/** Tirages: the latest draws (or those between two dates) with their prize tiers. */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { apiUrl, getJson } from "../lib/api";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtDate, fmtEuro, fmtInt } from "../lib/format";
import type { Draw, DrawPage } from "../lib/types";
import { Balls, ErrorMessage, Loading } from "../components/Status";

export function DrawsPage() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const [form, setForm] = useState({ from: "", to: "" });
  const [range, setRange] = useState({ from: "", to: "" });
  const q = useQuery({
    queryKey: ["draws", game, range.from, range.to],
    queryFn: () => getJson<DrawPage>(apiUrl(game, "draws", { limit: 20, from: range.from, to: range.to })),
  });
  return (
    <section aria-labelledby="draws-title">
      <h1 id="draws-title">
        {t("draws.title")} · {t(`game.${game}`)}
      </h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setRange(form);
        }}
      >
        <label>
          {t("draws.from")}
          <input type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} />
        </label>
        <label>
          {t("draws.to")}
          <input type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} />
        </label>
        <button type="submit">{t("draws.apply")}</button>
        {(range.from || range.to) && (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              setForm({ from: "", to: "" });
              setRange({ from: "", to: "" });
            }}
          >
            {t("draws.reset")}
          </button>
        )}
      </form>
      {q.isPending && <Loading />}
      {q.error && <ErrorMessage error={q.error} />}
      {q.data && (
        <>
          <p className="muted">{t("draws.total", { n: fmtInt(q.data.data.total, lang) })}</p>
          {q.data.data.draws.length === 0 && <p>{t("draws.none")}</p>}
          <ol className="draws">
            {q.data.data.draws.map((d, i) => (
              <DrawItem key={`${d.draw_date}-${d.fdj_draw_id}`} draw={d} open={i === 0} />
            ))}
          </ol>
        </>
      )}
    </section>
  );

  function DrawItem({ draw, open }: { draw: Draw; open: boolean }) {
    const tables = [...new Set(draw.prize_tiers.map((p) => p.prize_table))];
    return (
      <li className="draw" data-testid="draw">
        <div className="draw-head">
          <h2 className="date">{fmtDate(draw.draw_date, lang)}</h2>
          <Balls numbers={draw.numbers} bonus={draw.bonus} />
        </div>
        {draw.prize_tiers.length > 0 && (
          <details open={open}>
            <summary>{t("draws.tiers")}</summary>
            {tables.map((tab) => (
              <div className="scroll" key={tab}>
                <table>
                  <caption>{tab}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("draws.rank")}</th>
                      <th scope="col">{t("draws.pattern")}</th>
                      <th scope="col">{t("draws.winners")}</th>
                      <th scope="col">{t("draws.prize")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {draw.prize_tiers
                      .filter((p) => p.prize_table === tab)
                      .map((p) => (
                        <tr key={p.rank}>
                          <td>{p.rank}</td>
                          <td>{p.pattern ?? "—"}</td>
                          <td>{fmtInt(p.winners_europe ?? p.winners_france, lang)}</td>
                          <td>{p.prize === null ? "—" : fmtEuro(Number(p.prize), lang)}</td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              </div>
            ))}
          </details>
        )}
      </li>
    );
  }
}
