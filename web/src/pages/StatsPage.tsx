/** Statistiques: a window's draw count, frequencies against the fair expectation, gaps, hot/cold. */
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { apiUrl, getJson } from "../lib/api";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtDate, fmtInt, fmtNum } from "../lib/format";
import type { FullStats, QuickStats } from "../lib/types";
import { Balls, ErrorMessage, Loading } from "../components/Status";
import { FrequencyChart, withExpectation } from "../components/FrequencyChart";
import { RULES } from "../lib/game";
import { StatsTrends } from "../components/StatsTrends";

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

export function StatsPage() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const [params, setParams] = useSearchParams();
  const year = params.get("year") ?? "";
  const month = year ? (params.get("month") ?? "") : "";
  const filters = { year, month };

  const all = useQuery({
    queryKey: ["quick", game, "", ""],
    queryFn: () => getJson<QuickStats>(apiUrl(game, "quick-stats")),
  });
  const quick = useQuery({
    queryKey: ["quick", game, year, month],
    queryFn: () => getJson<QuickStats>(apiUrl(game, "quick-stats", filters)),
  });
  const full = useQuery({
    queryKey: ["stats", game, year, month],
    queryFn: () => getJson<FullStats>(apiUrl(game, "stats", filters)),
  });

  const firstYear = all.data ? Number(all.data.data.first_draw.draw_date.slice(0, 4)) : 2004;
  const lastYear = all.data ? Number(all.data.data.last_draw.draw_date.slice(0, 4)) : new Date().getFullYear();
  const years = Array.from({ length: lastYear - firstYear + 1 }, (_, i) => lastYear - i);
  const monthName = (m: number) =>
    new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", { month: "long", timeZone: "UTC" }).format(new Date(Date.UTC(2000, m - 1, 1)));

  const set = (key: "year" | "month", value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key === "year" && !value) next.delete("month");
    setParams(next, { replace: true });
  };

  const q = quick.data?.data;
  const rules = RULES[game];
  const bonusName = t(`common.bonus.${game}`);
  const fullData = full.data?.data;

  return (
    <section aria-labelledby="stats-title">
      <h1 id="stats-title">
        {t("stats.title")} · {t(`game.${game}`)}
      </h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("stats.year")}
          <select value={year} onChange={(e) => set("year", e.target.value)} data-testid="year">
            <option value="">{t("stats.allYears")}</option>
            {years.map((y) => (
              <option key={y} value={y}>{y}</option>
            ))}
          </select>
        </label>
        <label>
          {t("stats.month")}
          <select value={month} onChange={(e) => set("month", e.target.value)} disabled={!year} data-testid="month">
            <option value="">{t("stats.allMonths")}</option>
            {MONTHS.map((m) => (
              <option key={m} value={m}>{monthName(m)}</option>
            ))}
          </select>
        </label>
      </form>
      {quick.isPending && <Loading />}
      {quick.error && <ErrorMessage error={quick.error} />}
      {q && (
        <>
          <dl className="cards">
            <div className="card">
              <dt>{t("stats.drawCount")}</dt>
              <dd className="big" data-testid="draw-count">{q.draw_count}</dd>
            </div>
            <div className="card">
              <dt>{t("stats.lastDraw")}</dt>
              <dd>
                <span className="date">{fmtDate(q.last_draw.draw_date, lang)}</span>
                <Balls numbers={q.last_draw.numbers} bonus={q.last_draw.bonus} />
              </dd>
            </div>
            <div className="card">
              <dt>{t("stats.dataVersion")}</dt>
              <dd><code data-testid="data-version">{q.data_version}</code></dd>
            </div>
            <div className="card">
              <dt>{t("stats.cache")}</dt>
              <dd data-testid="x-cache">{quick.data?.cache ? t(`stats.cache.${quick.data.cache}`) : "—"}</dd>
            </div>
          </dl>

          <h2>{t("stats.frequency")}</h2>
          <FrequencyChart
            data={withExpectation(q.numbers, fullData?.numbers, q.draw_count, rules.k, rules.K)}
            label={t("stats.frequency")}
          />
          <h2>{t("stats.frequency.bonus", { bonus: bonusName.toLowerCase() })}</h2>
          <FrequencyChart
            data={withExpectation(q.bonus, fullData?.bonus, q.draw_count, rules.b, rules.B)}
            label={t("stats.frequency.bonus", { bonus: bonusName.toLowerCase() })}
            bonus
          />
          <p className="muted small">{t("stats.chartNote")}</p>

          <h2>{t("stats.hotcold")}</h2>
          <div className="hotcold">
            <div>
              <h3>{t("stats.hot")}</h3>
              <HotColdList items={q.hot_cold.hot} />
            </div>
            <div>
              <h3>{t("stats.cold")}</h3>
              <HotColdList items={q.hot_cold.cold} />
            </div>
          </div>
          <p className="note" data-testid="hotcold-note">{q.hot_cold.note}</p>

          <h2>{t("stats.gaps")}</h2>
          <div className="tables">
            <NumberTable caption={t("common.numbers")} rows={q.numbers} full={fullData?.numbers} prefix="count" />
            <NumberTable caption={bonusName} rows={q.bonus} full={fullData?.bonus} prefix="bonus-count" />
          </div>
          <StatsTrends />
        </>
      )}
    </section>
  );

  function HotColdList({ items }: { items: QuickStats["hot_cold"]["hot"] }) {
    if (items.length === 0) return <p className="muted">{t("common.none")}</p>;
    return (
      <ul className="chips">
        {items.map((h) => (
          <li key={h.number}>
            <span className="ball">{h.number}</span>{" "}
            {t("stats.recent", { n: h.recent_count, e: fmtNum(h.fair_expected, lang, 1) })}
          </li>
        ))}
      </ul>
    );
  }

  function NumberTable({ caption, rows, full, prefix }: { caption: string; rows: QuickStats["numbers"]; full?: FullStats["numbers"]; prefix: string }) {
    const byNumber = new Map(full?.map((f) => [f.number, f]));
    return (
      <div className="scroll" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("common.number")}</th>
              <th scope="col">{t("common.count")}</th>
              <th scope="col">{t("stats.currentGap")}</th>
              <th scope="col">{t("stats.maxGap")}</th>
              <th scope="col">{t("stats.lastDrawn")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.number}>
                <th scope="row">{r.number}</th>
                <td data-testid={`${prefix}-${r.number}`}>{r.count}</td>
                <td>{fmtInt(r.current_gap, lang)}</td>
                <td>{fmtInt(byNumber.get(r.number)?.max_gap ?? null, lang)}</td>
                <td>{fmtDate(r.last_drawn, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
}
