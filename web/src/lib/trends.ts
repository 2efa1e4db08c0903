/** Types of `GET /api/{game}/trends` and the pure helpers the trend charts use. */
import type { YAxisProps } from "recharts";

export type TrendBall = "number" | "bonus";
export type TrendWindow = "year" | "rolling";
export type Level = "none" | "nominal" | "beyond_chance";

export interface TrendWindowOut {
  label: string;
  period_end: string;
  draws: number;
}

export interface BallSeries {
  number: number;
  count: (number | null)[];
  eligible_draws: (number | null)[];
  frequency: (number | null)[];
  expected: (number | null)[];
  max_gap: (number | null)[];
  current_gap: (number | null)[];
}

export interface ChiPoint {
  period: "year" | "cumulative" | "rolling" | "snapshot";
  period_end: string;
  label: string;
  ball: TrendBall;
  draws: number;
  corrected_statistic: number;
  df: number;
  p_value: number;
  comparisons: number;
  cutoff: number;
  level: Level;
}

export interface BacktestWeek {
  week: string;
  run_date: string;
  strategy: string;
  targets: number;
  mean_main_matches: number;
  expected_main_matches: number;
  p_value: number | null;
  comparisons: number;
  cutoff: number;
  level: Level;
  verdict: string;
}

export interface Trends {
  game: string;
  data_version: string;
  ball: TrendBall;
  window: TrendWindow;
  rolling_draws: number;
  windows: TrendWindowOut[];
  series: BallSeries[];
  chi_square: ChiPoint[];
  backtests: BacktestWeek[];
  alpha: number;
  note: string;
}

export interface YearRow {
  label: string;
  draws: number;
  count: number | null;
  frequency: number | null;
  expectedFrequency: number | null;
}

/** One ball's values per window, with the fair frequency (expected / eligible draws) beside each. */
export function ballRows(trends: Trends, number: number): YearRow[] {
  const s = trends.series.find((x) => x.number === number);
  return trends.windows.map((w, i) => {
    const eligible = s?.eligible_draws[i] ?? null;
    const expected = s?.expected[i] ?? null;
    return {
      label: w.label,
      draws: w.draws,
      count: s?.count[i] ?? null,
      frequency: s?.frequency[i] ?? null,
      expectedFrequency: eligible && expected !== null ? expected / eligible : null,
    };
  });
}

export const P_FLOOR = 1e-4;

/** The log axis every p-value chart uses: P_FLOOR..1, ticks at the usual cutoffs (points below drawn at the floor). */
export const P_AXIS: Pick<YAxisProps, "scale" | "domain" | "allowDataOverflow" | "ticks"> = {
  scale: "log",
  domain: [P_FLOOR, 1],
  allowDataOverflow: true,
  ticks: [0.0001, 0.001, 0.01, 0.05, 1],
};

export interface ChiRow {
  label: string;
  year: number | null;
  cumulative: number | null;
}

/** Per-year and cumulative p side by side by year (p below P_FLOOR drawn at the floor of the log axis). */
export function chiRows(points: ChiPoint[]): ChiRow[] {
  const rows = new Map<string, ChiRow>();
  for (const p of points) {
    if (p.period !== "year" && p.period !== "cumulative") continue;
    const row = rows.get(p.label) ?? { label: p.label, year: null, cumulative: null };
    row[p.period === "year" ? "year" : "cumulative"] = Math.max(p.p_value, P_FLOOR);
    rows.set(p.label, row);
  }
  return [...rows.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** The weeks in order and, for each, every strategy's week entry. */
export function weekTable(weeks: BacktestWeek[]): { week: string; byStrategy: Record<string, BacktestWeek> }[] {
  const out = new Map<string, Record<string, BacktestWeek>>();
  for (const w of weeks) {
    const row = out.get(w.week) ?? {};
    row[w.strategy] = w;
    out.set(w.week, row);
  }
  return [...out.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, byStrategy]) => ({ week, byStrategy }));
}
