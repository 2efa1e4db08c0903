/** Bars of observed counts with the fair expectation line and its 95 % band (recharts). */
import { Area, Bar, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useI18n } from "../lib/i18n";
import type { NumberStat } from "../lib/types";

export interface FreqPoint {
  number: number;
  count: number;
  expected: number;
  band: [number, number];
}

/** Joins quick-stats counts with /stats expectations; before /stats answers, uses draw_count*k/K.
 *  The band is expected ± 1.96 binomial standard deviations (floored at 0). */
export function withExpectation(rows: NumberStat[], full: NumberStat[] | undefined, drawCount: number, k: number, K: number): FreqPoint[] {
  const byNumber = new Map(full?.map((f) => [f.number, f]));
  return rows.map((r) => {
    const f = byNumber.get(r.number);
    const n = f?.eligible_draws ?? drawCount;
    const expected = f?.expected ?? (drawCount * k) / K;
    const p = n > 0 ? expected / n : 0;
    const sd = Math.sqrt(n * p * (1 - p));
    return { number: r.number, count: r.count, expected, band: [Math.max(0, expected - 1.96 * sd), expected + 1.96 * sd] };
  });
}

export function FrequencyChart({ data, label, bonus = false }: { data: FreqPoint[]; label: string; bonus?: boolean }) {
  const { t } = useI18n();
  return (
    <figure className="chart" aria-label={label} role="img">
      <ResponsiveContainer width="100%" height={bonus ? 200 : 260}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#d5dbe3" />
          <XAxis dataKey="number" interval={bonus ? 0 : "preserveStartEnd"} tick={{ fontSize: 11, fill: "#334" }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#334" }} />
          <Tooltip formatter={(v) => (Array.isArray(v) ? v.map((x) => Number(x).toFixed(1)).join(" – ") : Number(v).toFixed(2))} />
          <Area dataKey="band" name={t("common.band")} fill="#f2c94c" fillOpacity={0.25} stroke="none" isAnimationActive={false} />
          <Bar dataKey="count" name={t("common.count")} fill={bonus ? "#b45309" : "#1d4ed8"} isAnimationActive={false} />
          <Line dataKey="expected" name={t("common.expected")} stroke="#b91c1c" strokeWidth={2} dot={false} type="linear" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
