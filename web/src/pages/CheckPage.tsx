/** Vérifier: what pasted grids (or the last generation's) would have won over past draws. */
import { useId, useState } from "react";
import { ApiError, apiUrl, postJson, type ErrorItem } from "../lib/api";
import { lastGenerationKey, parseTickets, type CheckResult, type CheckTicket } from "../lib/check";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtDate, fmtEuro, fmtInt, fmtMs } from "../lib/format";
import { isBusy, useTaskPolling } from "../lib/poll";
import { Balls } from "../components/Status";
import { TaskFailure, TaskProgress } from "../components/TaskProgress";

const euros = (cents: number | null) => (cents === null ? null : cents / 100);

function storedGeneration(game: string): string | null {
  try {
    return globalThis.localStorage?.getItem(lastGenerationKey(game)) ?? null;
  } catch {
    return null;
  }
}

export function CheckPage() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const ids = { tickets: useId(), from: useId(), to: useId(), last: useId() };
  const [text, setText] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [last, setLast] = useState("");
  const [errors, setErrors] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [direct, setDirect] = useState<CheckResult | null>(null);
  const [statusUrl, setStatusUrl] = useState<string | null>(null);
  const { status, error: pollError } = useTaskPolling(statusUrl);
  const queued = status?.state === "SUCCESS" ? (status.result as unknown as CheckResult) : null;
  const result = direct ?? queued;
  const running = isBusy(submitting, statusUrl, status);
  const bonusName = t(`common.bonus.${game}`).toLowerCase();
  const generation = storedGeneration(game);
  let lines: number[] = [];

  const window = () => {
    const w: Record<string, string | number> = {};
    if (from) w.from = from;
    if (to) w.to = to;
    if (last.trim()) w.last = Number(last);
    return w;
  };

  /** "Ligne 3 : star 12 outside 1..12" for ticket errors, the bare message otherwise. */
  const describe = (item: ErrorItem) => {
    const [, field, index] = item.loc;
    if (field === "tickets" && typeof index === "number") {
      const where = lines.length ? t("check.line", { n: lines[index] }) : t("check.ticket", { n: index + 1 });
      return `${where} : ${item.msg}`;
    }
    return item.msg;
  };

  const send = async (body: Record<string, unknown>) => {
    setErrors([]);
    setDirect(null);
    setStatusUrl(null);
    setSubmitting(true);
    try {
      const res = await postJson<CheckResult | { task_id: string; status_url: string }>(apiUrl(game, "check"), body);
      if ("status_url" in res) setStatusUrl(res.status_url);
      else setDirect(res);
    } catch (e) {
      if (e instanceof ApiError) setErrors(e.detail.length ? e.detail.map(describe) : [e.message]);
      else setErrors([(e as Error).message]);
    } finally {
      setSubmitting(false);
    }
  };

  const submitPasted = () => {
    const parsed = parseTickets(text, t("check.badLine", { bonus: bonusName }));
    if (parsed.errors.length) {
      setErrors(parsed.errors.map((e) => `${t("check.line", { n: e.line })} : ${e.msg}`));
      return;
    }
    lines = text.split(/\r?\n/).flatMap((l, i) => (l.trim() ? [i + 1] : []));
    void send({ tickets: parsed.tickets, window: window() });
  };

  return (
    <section aria-labelledby="check-title">
      <h1 id="check-title">
        {t("check.title")} · {t(`game.${game}`)}
      </h1>
      <p className="banner" role="note">{t("check.banner")}</p>
      <form
        className="genform checkform"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          submitPasted();
        }}
      >
        <div className="field wide">
          <label htmlFor={ids.tickets}>{t("check.tickets", { bonus: bonusName })}</label>
          <textarea id={ids.tickets} rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder="2 12 20 38 45 | 2 5" />
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{t("check.from")}</label>
          <input id={ids.from} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t("check.to")}</label>
          <input id={ids.to} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.last}>{t("check.last")}</label>
          <input id={ids.last} type="number" inputMode="numeric" min={1} value={last} onChange={(e) => setLast(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" disabled={running}>{running ? t("check.running") : t("check.submit")}</button>
          {generation && (
            <button type="button" disabled={running} onClick={() => void send({ task_id: generation, window: window() })}>
              {t("check.lastGeneration")}
            </button>
          )}
        </div>
      </form>

      {errors.length > 0 && (
        <ul role="alert" className="error" data-testid="check-errors">
          {errors.map((m, i) => <li key={i}>{m}</li>)}
        </ul>
      )}
      <TaskFailure status={status} pollError={pollError} failed={(msg) => t("check.failed", { msg })} />
      {statusUrl && <TaskProgress status={status} label={t("check.running")} />}

      {result && (
        <div className="result" data-testid="check-result">
          <p className="banner strong">{result.note}</p>
          <p>
            {t("check.summary", {
              tickets: fmtInt(result.totals.tickets, lang),
              draws: fmtInt(result.draws.count, lang),
              first: fmtDate(result.draws.first, lang),
              last: fmtDate(result.draws.last, lang),
              ms: fmtMs(result.duration_ms, lang),
            })}
          </p>
          {result.tickets.length > 1 && (
            <>
              <h2>{t("check.totals")}</h2>
              <Totals played={result.totals.draws_played} cost={result.totals.cost_cents} won={result.totals.won_cents} net={result.totals.net_cents} />
            </>
          )}
          {result.wins_listed < result.totals.wins && (
            <p className="muted small">{t("check.truncated", { shown: fmtInt(result.wins_listed, lang), total: fmtInt(result.totals.wins, lang) })}</p>
          )}
          <ol className="check-tickets">
            {result.tickets.map((tk) => <TicketResult key={tk.index} ticket={tk} />)}
          </ol>
        </div>
      )}
    </section>
  );
}

function Totals({ played, cost, won, net }: { played: number; cost: number; won: number; net: number }) {
  const { t, lang } = useI18n();
  return (
    <dl className="kv">
      <dt>{t("check.played")}</dt>
      <dd>{fmtInt(played, lang)}</dd>
      <dt>{t("check.cost")}</dt>
      <dd>{fmtEuro(euros(cost), lang)}</dd>
      <dt>{t("check.won")}</dt>
      <dd>{fmtEuro(euros(won), lang)}</dd>
      <dt>{t("check.net")}</dt>
      <dd data-testid="net">{fmtEuro(euros(net), lang)}</dd>
    </dl>
  );
}

function TicketResult({ ticket: tk }: { ticket: CheckTicket }) {
  const { t, lang } = useI18n();
  const patterns = Object.entries(tk.wins_by_pattern);
  return (
    <li className="check-ticket" data-testid="check-ticket">
      <Balls numbers={tk.numbers} bonus={tk.bonus} />
      <Totals played={tk.draws_played} cost={tk.cost_cents} won={tk.won_cents} net={tk.net_cents} />
      {tk.price_sources.length > 0 && <p className="muted small">{t("check.sources", { sources: tk.price_sources.join(" ; ") })}</p>}
      {tk.unpriced_draws > 0 && <p className="muted small">{t("check.unpriced", { n: tk.unpriced_draws })}</p>}
      {tk.not_playable.map((np, i) => (
        <p key={i} className="muted small" data-testid="not-playable">
          {t("check.notPlayable", { draws: np.draws, from: fmtDate(np.from, lang), until: fmtDate(np.until, lang), reason: np.reason })}
        </p>
      ))}
      {tk.exact_combination_drawn.length > 0 && (
        <p className="banner strong">{t("check.exact", { dates: tk.exact_combination_drawn.map((d) => fmtDate(d, lang)).join(", ") })}</p>
      )}
      {patterns.length === 0 ? (
        <p>{t("check.noWin")}</p>
      ) : (
        <p>
          {t("check.wins")} : {patterns.map(([p, n]) => `${n} × ${p}`).join(", ")}
          {tk.best_win && ` · ${t("check.best")} : ${tk.best_win.pattern} (${fmtDate(tk.best_win.date, lang)}, ${fmtEuro(euros(tk.best_win.payout_cents), lang)})`}
        </p>
      )}
      {tk.wins.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th scope="col">{t("check.date")}</th>
              <th scope="col">{t("check.rank")}</th>
              <th scope="col">{t("check.pattern")}</th>
              <th scope="col">{t("check.payout")}</th>
            </tr>
          </thead>
          <tbody>
            {tk.wins.map((w, i) => (
              <tr key={i} data-testid="win">
                <td>{fmtDate(w.date, lang)}</td>
                <td>{w.rank}</td>
                <td>{w.pattern}</td>
                <td>{fmtEuro(euros(w.payout_cents), lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tk.wins_truncated && <p className="muted small">{t("check.truncated", { shown: tk.wins.length, total: tk.wins_count })}</p>}
    </li>
  );
}
