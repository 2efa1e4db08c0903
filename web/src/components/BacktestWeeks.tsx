/** Performance over time: the back-test's verdict of each strategy, week by week (GET /api/{game}/trends). */
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { apiUrl, getJson } from "../lib/api";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtDate, fmtNum } from "../lib/format";
import { P_AXIS, P_FLOOR, weekTable, type Trends } from "../lib/trends";
import { ErrorMessage, Loading } from "./Status";

const COLOURS = ["#1d4ed8", "#b45309", "#15803d", "#7c3aed", "#be123c"];

export function BacktestWeeks() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const q = useQuery({
    queryKey: ["trends-backtests", game],
    queryFn: () => getJson<Trends>(apiUrl(game, "trends", { ball: "number", window: "year", number: 1 })),
  });
  const weeks = q.data ? weekTable(q.data.data.backtests) : [];
  const strategies = [...new Set(q.data?.data.backtests.map((w) => w.strategy) ?? [])].sort();
  const cutoff = q.data?.data.backtests[0]?.cutoff;
  const chart = weeks.map(({ week, byStrategy }) => ({
    week,
    ...Object.fromEntries(strategies.map((s) => [s, byStrategy[s]?.p_value === null || byStrategy[s] === undefined ? null : Math.max(byStrategy[s].p_value as number, P_FLOOR)])),
  }));

  return (
    <section aria-labelledby="bt-weeks-title" data-testid="backtest-weeks">
      <h2 id="bt-weeks-title">{t("trends.weeks")}</h2>
      {q.isPending && <Loading />}
      {q.error && <ErrorMessage error={q.error} />}
      {q.data && weeks.length === 0 && <p className="muted">{t("trends.noWeeks")}</p>}
      {weeks.length > 0 && (
        <>
          <figure className="chart" role="img" aria-label={t("trends.weeks")}>
            <ResponsiveContainer width="100%" height={200}>
              <LineChart data={chart} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#d5dbe3" />
                <XAxis dataKey="week" tick={{ fontSize: 11, fill: "#334" }} />
                <YAxis {...P_AXIS} tick={{ fontSize: 11, fill: "#334" }} />
                <Tooltip formatter={(v) => fmtNum(Number(v), lang, 4)} />
                {cutoff !== undefined && <ReferenceLine y={cutoff} stroke="#b91c1c" strokeDasharray="4 3" />}
                {strategies.map((s, i) => (
                  <Line key={s} dataKey={s} name={t(`gen.strategy.${s}`)} stroke={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
          <div className="scroll" tabIndex={0} role="region" aria-label={t("trends.weeks")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("trends.week")}</th>
                  {strategies.map((s) => (
                    <th key={s} scope="col">{t(`gen.strategy.${s}`)}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {weeks.map(({ week, byStrategy }) => (
                  <tr key={week}>
                    <th scope="row">{fmtDate(week, lang)}</th>
                    {strategies.map((s) => {
                      const w = byStrategy[s];
                      return (
                        <td key={s} data-testid={`week-${week}-${s}`} title={w?.verdict}>
                          {w ? `${t(`trends.level.${w.level}`)} (p ${w.p_value === null ? "—" : fmtNum(w.p_value, lang, 3)})` : "—"}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small">{t("trends.weeksNote", { c: cutoff === undefined ? "—" : fmtNum(cutoff, lang, 4) })}</p>
        </>
      )}
    </section>
  );
}
