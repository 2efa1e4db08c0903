/** Chances: on a chosen day, the era's exact odds per rank, what FDJ paid per rank, the value per euro. */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { apiUrl, getJson } from "../lib/api";
import { useGame } from "../lib/game";
import { useI18n, type Lang } from "../lib/i18n";
import { fmtDate, fmtEuro, fmtInt } from "../lib/format";
import type { OddsAnswer } from "../lib/types";
import { ErrorMessage, Loading } from "../components/Status";

/** Today in UTC, the API's "today" (a local date can already be tomorrow there). */
export const todayUtc = () => new Date().toISOString().slice(0, 10);

/** The N of "1 in N": grouped digits, at most two decimals (6,06 · 139 838 160). */
function fmtOneIn(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 2 }).format(n);
}

function fmtReturn(n: number | null | undefined, lang: Lang): string {
  if (n === null || n === undefined) return "—";
  return new Intl.NumberFormat(lang === "fr" ? "fr-FR" : "en-GB", { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(n);
}

export function OddsPage() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const [day, setDay] = useState(todayUtc);
  const q = useQuery({
    queryKey: ["odds", game, day],
    queryFn: () => getJson<OddsAnswer>(apiUrl(game, "odds", { date: day })),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(day),
  });
  const a = q.data?.data;
  return (
    <section aria-labelledby="odds-title">
      <h1 id="odds-title">
        {t("odds.title")} · {t(`game.${game}`)}
      </h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("odds.date")}
          <input type="date" value={day} max={todayUtc()} onChange={(e) => setDay(e.target.value)} />
        </label>
      </form>
      <p className="note" data-testid="no-strategy">{t("odds.noStrategy")}</p>
      {q.isFetching && !a && <Loading />}
      {q.error && <ErrorMessage error={q.error} />}
      {a && !q.error && (
        <>
          <p data-testid="era">
            <strong>
              {a.era.end
                ? t("odds.era", { start: fmtDate(a.era.start, lang), end: fmtDate(a.era.end, lang) })
                : t("odds.eraOpen", { start: fmtDate(a.era.start, lang) })}
            </strong>
            {" · "}
            {t("odds.rules", {
              k: a.era.numbers_count,
              n: a.era.numbers_max,
              b: a.era.bonus_count,
              bonus: t(`odds.bonus.${game}`),
              s: a.era.bonus_max,
              c: fmtInt(a.era.combinations, lang),
            })}
          </p>
          <p data-testid="price">
            {a.price ? (
              <>
                {t("odds.price", { price: fmtEuro(a.price.euros, lang) })} (
                <a href={a.price.source} target="_blank" rel="noreferrer noopener">
                  {t("odds.source")}
                </a>
                )
              </>
            ) : (
              t("odds.noPrice")
            )}
          </p>
          <div className="scroll" tabIndex={0} role="region" aria-label={t("odds.title")}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("odds.rank")}</th>
                  <th scope="col">{t("odds.pattern")}</th>
                  <th scope="col">{t("odds.chance")}</th>
                  <th scope="col">{t("odds.mean")}</th>
                  <th scope="col">{t("odds.median")}</th>
                  <th scope="col">{t("odds.paid")}</th>
                  <th scope="col">{t("odds.perEuro")}</th>
                </tr>
              </thead>
              <tbody>
                {a.ranks.map((r) => (
                  <tr key={r.rank} data-testid={`rank-${r.rank}`}>
                    <td>{r.rank}</td>
                    <td>{r.pattern}</td>
                    <td title={r.probability_exact} data-testid={`one-in-${r.rank}`}>
                      {t("odds.oneIn", { n: fmtOneIn(r.one_in_rounded, lang) })}
                    </td>
                    <td>{fmtEuro(r.payout?.mean, lang)}</td>
                    <td>{fmtEuro(r.payout?.median, lang)}</td>
                    <td>
                      {r.payout ? `${fmtInt(r.payout.draws_paid, lang)} / ${fmtInt(r.payout.draws_without_winner, lang)}` : "—"}
                    </td>
                    <td>{fmtReturn(r.return_per_euro, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p data-testid="any-rank">{t("odds.any", { n: fmtOneIn(a.any_rank.one_in_rounded, lang) })}</p>
          <p className="muted" data-testid="covered">
            {t("odds.covered", { n: fmtInt(a.draws_covered, lang), from: fmtDate(a.first_draw, lang), to: fmtDate(a.last_draw, lang) })}
          </p>
          {a.value && (
            <>
              <h2>{t("odds.value")}</h2>
              <dl className="cards">
                <div className="card">
                  <dt>{t("odds.belowJackpot")}</dt>
                  <dd className="big" data-testid="value-below">{fmtReturn(a.value.below_jackpot, lang)}</dd>
                  <dd className="muted">{t("odds.cents", { n: fmtReturn(a.value.below_jackpot, lang) })}</dd>
                </div>
                <div className="card">
                  <dt>{t("odds.jackpot")}</dt>
                  <dd className="big" data-testid="value-jackpot">{fmtReturn(a.value.jackpot, lang)}</dd>
                </div>
                <div className="card">
                  <dt>{t("odds.total")}</dt>
                  <dd className="big">{fmtReturn(a.value.total, lang)}</dd>
                </div>
              </dl>
              <p className="muted small" data-testid="jackpot-note">
                {t("odds.jackpotNote", {
                  won: fmtInt(a.ranks[0]?.payout?.draws_paid ?? 0, lang),
                  listed: fmtInt((a.ranks[0]?.payout?.draws_paid ?? 0) + (a.ranks[0]?.payout?.draws_without_winner ?? 0), lang),
                })}
              </p>
            </>
          )}
          <ul className="muted small">
            {a.notes.slice(1).map((n) => (
              <li key={n}>{n}</li>
            ))}
            {a.price && <li>{t("odds.priceNote", { note: a.price.note })}</li>}
          </ul>
        </>
      )}
    </section>
  );
}
