/** Number, date, duration and percentage formatting for the current language. */
import type { Lang } from "./i18n";

const locale = (lang: Lang) => (lang === "fr" ? "fr-FR" : "en-GB");

export function fmtInt(n: number | null | undefined, lang: Lang): string {
  return n === null || n === undefined ? "—" : new Intl.NumberFormat(locale(lang)).format(n);
}

export function fmtNum(n: number | null | undefined, lang: Lang, digits = 2): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "—";
  return new Intl.NumberFormat(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
}

export function fmtPct(rate: number | null | undefined, lang: Lang, digits = 1): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "—";
  return new Intl.NumberFormat(locale(lang), { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rate);
}

/** A prize in euros; null (no winner / not known) is a dash. */
export function fmtEuro(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return "—";
  return new Intl.NumberFormat(locale(lang), { style: "currency", currency: "EUR", maximumFractionDigits: 2 }).format(n);
}

/** An ISO date (YYYY-MM-DD) as a long local date, without time-zone shifts. */
export function fmtDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return "—";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: "medium", timeZone: "UTC" }).format(d);
}

/** Milliseconds: "850 ms" under a second, "1.2 s" above. */
export function fmtMs(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined) return "—";
  return ms < 1000 ? `${fmtNum(ms, lang, 0)} ms` : `${fmtNum(ms / 1000, lang, 1)} s`;
}

/** Seconds as "3 h 04 min" / "5 min" / "12 s". */
export function fmtUptime(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${String(m).padStart(2, "0")} min`;
  if (m > 0) return `${m} min`;
  return `${Math.floor(s)} s`;
}

/** Grids as CSV: one row per grid (numbers and bonus space-separated), header first. */
export function gridsCsv(grids: { numbers: number[]; bonus: number[]; score?: number | null; reason?: string | null }[]): string {
  const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = grids.map((g) =>
    [g.numbers.join(" "), g.bonus.join(" "), g.score ?? "", esc(g.reason ?? "")].join(","),
  );
  return ["numbers,bonus,score,reason", ...rows].join("\n") + "\n";
}
