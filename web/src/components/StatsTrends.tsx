/** Statistiques over time: one ball's frequency per calendar year against the fair frequency, and the
 *  chi-square p per year and cumulative against the significance cutoff (GET /api/{game}/trends). */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, ComposedChart, Bar, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { apiUrl, getJson } from "../lib/api";
import { RULES, useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtInt, fmtNum, fmtPct } from "../lib/format";
import { P_AXIS, ballRows, chiRows, type TrendBall, type Trends } from "../lib/trends";
import { ErrorMessage, Loading } from "./Status";

export function StatsTrends() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const [ball, setBall] = useState<TrendBall>("number");
  const [number, setNumber] = useState(1);
  const rules = RULES[game];
  const top = ball === "number" ? rules.K : rules.B;
  const chosen = Math.min(number, top);
  const q = useQuery({
    queryKey: ["trends", game, ball, chosen],
    queryFn: () => getJson<Trends>(apiUrl(game, "trends", { ball, window: "year", number: chosen })),
  });
  const bonusName = t(`common.bonus.${game}`);
  const data = q.data?.data;
  const rows = data ? ballRows(data, chosen) : [];
  const chi = data ? chiRows(data.chi_square) : [];
  const cutoff = data?.chi_square[0]?.cutoff;

  return (
    <section aria-labelledby="trends-title" data-testid="stats-trends">
      <h2 id="trends-title">{t("trends.title")}</h2>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("trends.ball")}
          <select value={ball} onChange={(e) => setBall(e.target.value as TrendBall)} data-testid="trends-ball">
            <option value="number">{t("common.numbers")}</option>
            <option value="bonus">{bonusName}</option>
          </select>
        </label>
        <label>
          {t("common.number")}
          <select value={chosen} onChange={(e) => setNumber(Number(e.target.value))} data-testid="trends-number">
            {Array.from({ length: top }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
      </form>
      {q.isPending && <Loading />}
      {q.error && <ErrorMessage error={q.error} />}
      {data && (
        <>
          <h3>{t("trends.perYear", { n: chosen })}</h3>
          <figure className="chart" role="img" aria-label={t("trends.perYear", { n: chosen })}>
            <ResponsiveContainer width="100%" height={220}>
              <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#d5dbe3" />
                <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#334" }} />
                <YAxis tickFormatter={(v) => `${Math.round(Number(v) * 100)} %`} tick={{ fontSize: 11, fill: "#334" }} />
                <Tooltip formatter={(v) => fmtPct(Number(v), lang)} />
                <Bar dataKey="frequency" name={t("trends.frequency")} fill="#1d4ed8" isAnimationActive={false} />
                <Line dataKey="expectedFrequency" name={t("trends.fair")} stroke="#b91c1c" strokeWidth={2} dot={false} isAnimationActive={false} />
              </ComposedChart>
            </ResponsiveContainer>
          </figure>
          <div className="scroll" tabIndex={0} role="region" aria-label={t("trends.perYear", { n: chosen })}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("stats.year")}</th>
                  <th scope="col">{t("stats.drawCount")}</th>
                  <th scope="col">{t("common.count")}</th>
                  <th scope="col">{t("trends.frequency")}</th>
                  <th scope="col">{t("trends.fair")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.label}>
                    <th scope="row">{r.label}</th>
                    <td>{fmtInt(r.draws, lang)}</td>
                    <td data-testid={`trend-count-${r.label}`}>{r.count === null ? "—" : fmtInt(r.count, lang)}</td>
                    <td>{fmtPct(r.frequency, lang)}</td>
                    <td>{fmtPct(r.expectedFrequency, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3>{t("trends.chi")}</h3>
          <figure className="chart" role="img" aria-label={t("trends.chi")}>
            <ResponsiveContainer width="100%" height={220}>
              <LineChart data={chi} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#d5dbe3" />
                <XAxis dataKey="label" tick={{ fontSize: 11, fill: "#334" }} />
                <YAxis {...P_AXIS} tick={{ fontSize: 11, fill: "#334" }} />
                <Tooltip formatter={(v) => fmtNum(Number(v), lang, 4)} />
                {cutoff !== undefined && (
                  <ReferenceLine y={cutoff} stroke="#b91c1c" strokeDasharray="4 3" label={{ value: t("trends.cutoff", { c: fmtNum(cutoff, lang, 3) }), fontSize: 11, fill: "#7f1d1d", position: "insideBottomLeft" }} />
                )}
                <Line dataKey="year" name={t("trends.pYear")} stroke="#1d4ed8" isAnimationActive={false} />
                <Line dataKey="cumulative" name={t("trends.pCumulative")} stroke="#15803d" strokeDasharray="5 3" isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </figure>
          <p className="muted small" data-testid="trends-chi-note">
            {t("trends.chiNote", { c: cutoff === undefined ? "—" : fmtNum(cutoff, lang, 3), a: fmtNum(data.alpha, lang, 2) })}
          </p>
          <p className="note">{data.note}</p>
        </>
      )}
    </section>
  );
}
