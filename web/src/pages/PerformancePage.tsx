/** Performance: cache hit rate per day, generation latency, the back-test against random tickets, service info. */
import { Fragment } from "react";
import { useQuery } from "@tanstack/react-query";
import { Bar, BarChart, CartesianGrid, ErrorBar, ResponsiveContainer, Scatter, ComposedChart, Tooltip, XAxis, YAxis, ReferenceLine } from "recharts";
import { apiUrl, getJson } from "../lib/api";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtDate, fmtInt, fmtMs, fmtNum, fmtPct, fmtUptime } from "../lib/format";
import type { PerformanceMetrics } from "../lib/types";
import { ErrorMessage, Loading } from "../components/Status";
import { STRATEGIES } from "./GeneratePage";
import { BacktestWeeks } from "../components/BacktestWeeks";

export function PerformancePage() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const q = useQuery({
    queryKey: ["perf", game],
    queryFn: () => getJson<PerformanceMetrics>(apiUrl(game, "performance-metrics")),
    staleTime: 5_000,
  });
  if (q.isPending) return <Loading />;
  if (q.error) return <ErrorMessage error={q.error} />;
  const m = q.data.data;
  const days = m.cache.per_day.map((d) => ({ day: d.day.slice(5), rate: d.hit_rate === null ? 0 : d.hit_rate * 100, label: fmtPct(d.hit_rate, lang) }));
  const bt = m.backtest.map((b) => ({
    strategy: t(`gen.strategy.${b.strategy}`),
    mean: b.mean_main_matches,
    err: b.main_ci_low !== null && b.main_ci_high !== null ? [b.mean_main_matches - b.main_ci_low, b.main_ci_high - b.mean_main_matches] : [0, 0],
  }));
  const expected = m.backtest[0]?.expected_main_matches;
  const strategies = [...new Set([...STRATEGIES, ...Object.keys(m.generation), ...m.backtest.map((b) => b.strategy)])];

  return (
    <section aria-labelledby="perf-title">
      <h1 id="perf-title">
        {t("perf.title")} · {t(`game.${game}`)}
      </h1>

      <h2>{t("perf.cacheRate")}</h2>
      <p className="muted small">
        {m.cache.scope} · {t("perf.hitRate")} {fmtPct(m.cache.hit_rate, lang)} ({fmtInt(m.cache.hits, lang)} HIT / {fmtInt(m.cache.misses, lang)} MISS)
      </p>
      <figure className="chart" role="img" aria-label={t("perf.cacheRate")}>
        <ResponsiveContainer width="100%" height={180}>
          <BarChart data={days} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#d5dbe3" />
            <XAxis dataKey="day" tick={{ fontSize: 11, fill: "#334" }} />
            <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11, fill: "#334" }} />
            <Tooltip formatter={(v) => `${Number(v).toFixed(1)} %`} />
            <Bar dataKey="rate" name={t("perf.hitRate")} fill="#15803d" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </figure>

      <h2>{t("perf.generation")}</h2>
      <div className="scroll" tabIndex={0} role="region" aria-label={t("perf.generation")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("perf.strategy")}</th>
              <th scope="col">{t("perf.generations")}</th>
              <th scope="col">{t("perf.grids")}</th>
              <th scope="col">p50</th>
              <th scope="col">p95</th>
            </tr>
          </thead>
          <tbody>
            {strategies.map((s) => {
              const g = m.generation[s];
              return (
                <tr key={s} data-testid={`strategy-${s}`}>
                  <th scope="row">{t(`gen.strategy.${s}`)}</th>
                  <td>{fmtInt(g?.generations ?? 0, lang)}</td>
                  <td>{fmtInt(g?.grids ?? 0, lang)}</td>
                  <td>{fmtMs(g?.p50_ms ?? null, lang)}</td>
                  <td>{fmtMs(g?.p95_ms ?? null, lang)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <h2>{t("perf.backtest")}</h2>
      <p className="muted small">{m.backtest_note}</p>
      {bt.length > 0 && (
        <figure className="chart" role="img" aria-label={t("perf.backtest")}>
          <ResponsiveContainer width="100%" height={220}>
            <ComposedChart data={bt} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#d5dbe3" />
              <XAxis dataKey="strategy" interval={0} padding={{ left: 40, right: 40 }} tick={{ fontSize: 10, fill: "#334" }} />
              <YAxis domain={["auto", "auto"]} tick={{ fontSize: 11, fill: "#334" }} />
              <Tooltip formatter={(v) => (Array.isArray(v) ? "" : Number(v).toFixed(3))} />
              {expected !== undefined && <ReferenceLine y={expected} stroke="#b91c1c" strokeDasharray="4 3" label={{ value: t("perf.expectedRandom"), fontSize: 11, fill: "#7f1d1d", position: "insideTopRight" }} />}
              <Scatter dataKey="mean" name={t("perf.mean")} fill="#1d4ed8" isAnimationActive={false}>
                <ErrorBar dataKey="err" width={8} strokeWidth={2} stroke="#1d4ed8" direction="y" />
              </Scatter>
            </ComposedChart>
          </ResponsiveContainer>
        </figure>
      )}
      <div className="scroll" tabIndex={0} role="region" aria-label={t("perf.backtest")}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("perf.strategy")}</th>
              <th scope="col">{t("perf.mean")}</th>
              <th scope="col">{t("perf.expectedRandom")}</th>
              <th scope="col">{t("perf.ci")}</th>
            </tr>
          </thead>
          <tbody>
            {m.backtest.map((b) => (
              <Fragment key={b.strategy}>
                <tr data-testid={`backtest-${b.strategy}`} className="no-line">
                  <th scope="row">{t(`gen.strategy.${b.strategy}`)}</th>
                  <td>{fmtNum(b.mean_main_matches, lang, 3)}</td>
                  <td>{fmtNum(b.expected_main_matches, lang, 3)}</td>
                  <td>
                    {fmtNum(b.main_ci_low, lang, 3)} – {fmtNum(b.main_ci_high, lang, 3)}
                  </td>
                </tr>
                <tr>
                  <td colSpan={4} className="verdict">
                    <span className="muted">{t("perf.verdict")}</span> {b.verdict}
                  </td>
                </tr>
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      <p className="note" data-testid="conclusion">{m.backtest_verdict.conclusion}</p>
      <BacktestWeeks />

      <h2>{t("perf.service")}</h2>
      <dl className="cards">
        <div className="card"><dt>{t("perf.uptime")}</dt><dd>{fmtUptime(m.service.uptime_s)}</dd></div>
        <div className="card"><dt>{t("stats.dataVersion")}</dt><dd><code>{m.service.data_version}</code></dd></div>
        <div className="card"><dt>{t("perf.lastRun")}</dt><dd>{fmtDate(m.service.last_pipeline_run.published_at, lang)}</dd></div>
        <div className="card"><dt>{t("perf.redisMemory")}</dt><dd>{m.redis.used_memory_human ?? "—"}</dd></div>
        <div className="card"><dt>{t("perf.redisKeys")}</dt><dd>{fmtInt(m.redis.keys, lang)}</dd></div>
      </dl>
    </section>
  );
}
