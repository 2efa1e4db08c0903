/** Systèmes: pick numbers and a guarantee, get a verified wheel (inline, or queued with progress). */
import { useState } from "react";
import { apiUrl, postJson } from "../lib/api";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtEuro, fmtInt, fmtNum } from "../lib/format";
import { useTaskForm } from "../lib/taskForm";
import { Balls } from "../components/Status";
import { Field } from "../components/Field";
import { FormAlerts, TaskFailure, TaskProgress } from "../components/TaskProgress";

export interface Chance {
  probability: number;
  numerator: number;
  denominator: number;
  one_in: number | null;
}
export interface WheelResult {
  game: string;
  numbers: number[];
  bonus: number[];
  guarantee: { match: number; if_drawn: number };
  seed: number;
  tickets: { numbers: number[]; bonus: number[] }[];
  count: number;
  cost: { cents: number; price_cents: number; source: string; price_since: string } | null;
  verified: boolean;
  subsets_checked: number;
  lower_bound: { value: number; name: string; kind: string; tickets: number };
  best_known: { value: number; tickets: number; source: string; citation: string } | null;
  optimal: boolean;
  full_wheel: number;
  p_condition: Chance;
  odds: {
    p_ticket_matches_at_least_t: Chance;
    expected_matching_tickets_per_draw: number;
    p_any_ticket_matches_at_least_t: Chance;
    p_any_of_as_many_independent_random_tickets: number;
  };
  search: { duration_ms: number };
  note: string;
}

const RULES = { euromillions: { top: 50, bonusTop: 12, bonus: 2 }, loto: { top: 49, bonusTop: 10, bonus: 1 } };
const MAX_NUMBERS = 20;
const LEVELS = [1, 2, 3, 4, 5];

export function WheelPage() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const rules = RULES[game];
  const [numbers, setNumbers] = useState<number[]>([3, 7, 11, 19, 23, 28, 34, 41, 45]);
  const [bonus, setBonus] = useState<number[]>([]);
  const [match, setMatch] = useState("3");
  const [ifDrawn, setIfDrawn] = useState("4");
  const [seed, setSeed] = useState("1");
  const [inline, setInline] = useState<WheelResult | null>(null);
  const { fieldErrors, retryAfter, statusUrl, status, pollError, running, run } = useTaskForm<WheelResult>();
  const result = inline ?? (status?.state === "SUCCESS" ? status.result : null);

  const toggle = (list: number[], set: (v: number[]) => void, n: number) =>
    set(list.includes(n) ? list.filter((x) => x !== n) : [...list, n].sort((a, b) => a - b));

  const submit = async () => {
    setInline(null);
    const body: Record<string, unknown> = {
      numbers,
      bonus: bonus.filter((b) => b <= rules.bonusTop),
      guarantee: { match: Number(match), if_drawn: Number(ifDrawn) },
    };
    if (seed.trim() !== "") body.seed = Number(seed);
    await run(async () => {
      const answer = await postJson<WheelResult | { task_id: string; status_url: string }>(apiUrl(game, "wheel"), body);
      if ("status_url" in answer) return answer.status_url;
      setInline(answer);
      return null;
    });
  };

  const balls = (id: string, top: number, chosen: number[], set: (v: number[]) => void, cap: number) => (
    <div role="group" id={id} aria-labelledby={`${id}-label`} className="pickgrid">
      {Array.from({ length: top }, (_, i) => i + 1).map((n) => (
        <button
          key={n}
          type="button"
          className="pick"
          aria-pressed={chosen.includes(n)}
          disabled={!chosen.includes(n) && chosen.length >= cap}
          onClick={() => toggle(chosen, set, n)}
        >
          {n}
        </button>
      ))}
    </div>
  );
  const bonusName = t(`common.bonus.${game}`);
  const knownSource = (known: NonNullable<WheelResult["best_known"]>) => {
    const key = `wheel.knownSource.${known.source}`;
    const text = t(key);
    return text === key ? known.citation : text;
  };
  const chosenNumbers = numbers.filter((n) => n <= rules.top);

  return (
    <section aria-labelledby="wheel-title">
      <h1 id="wheel-title">
        {t("wheel.title")} · {t(`game.${game}`)}
      </h1>
      <p className="banner" role="note">{t("wheel.banner")}</p>
      <form
        className="genform wheelform"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field name="numbers" label={t("wheel.numbers", { n: chosenNumbers.length, max: MAX_NUMBERS })} errors={fieldErrors.numbers}>
          {(id) => balls(id, rules.top, chosenNumbers, setNumbers, MAX_NUMBERS)}
        </Field>
        <Field name="bonus" label={t("wheel.bonus", { bonus: bonusName, n: rules.bonus })} errors={fieldErrors.bonus}>
          {(id) => balls(id, rules.bonusTop, bonus.filter((b) => b <= rules.bonusTop), setBonus, rules.bonusTop)}
        </Field>
        <Field name="match" label={t("wheel.match")} errors={[...(fieldErrors.match ?? []), ...(fieldErrors.guarantee ?? [])]}>
          {(id, desc) => (
            <select id={id} aria-describedby={desc} value={match} onChange={(e) => setMatch(e.target.value)}>
              {LEVELS.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
          )}
        </Field>
        <Field name="if_drawn" label={t("wheel.ifDrawn")} errors={fieldErrors.if_drawn}>
          {(id, desc) => (
            <select id={id} aria-describedby={desc} value={ifDrawn} onChange={(e) => setIfDrawn(e.target.value)}>
              {LEVELS.map((v) => <option key={v} value={v}>{v}</option>)}
            </select>
          )}
        </Field>
        <Field name="seed" label={t("gen.seed")} errors={fieldErrors.seed}>
          {(id, desc) => <input id={id} aria-describedby={desc} aria-invalid={!!fieldErrors.seed} type="number" inputMode="numeric" min={0} value={seed} onChange={(e) => setSeed(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={running}>{running ? t("wheel.running") : t("wheel.submit")}</button>
        </div>
      </form>

      <FormAlerts fieldErrors={fieldErrors} retryAfter={retryAfter} />
      <TaskFailure status={status} pollError={pollError} failed={(msg) => t("wheel.failed", { msg })} />
      {statusUrl && <TaskProgress status={status} label={t("wheel.running")} />}

      {result && (
        <div className="result" data-testid="wheel-result">
          <p className={result.verified ? "badge ok" : "badge bad"} data-testid="verified">
            {result.verified
              ? t("wheel.verified", { n: fmtInt(result.subsets_checked, lang), m: result.guarantee.if_drawn })
              : t("wheel.unverified")}
          </p>
          <dl className="facts">
            <dt>{t("wheel.tickets")}</dt>
            <dd data-testid="count">{fmtInt(result.count, lang)}</dd>
            <dt>{t("wheel.cost")}</dt>
            <dd data-testid="cost">
              {result.cost ? (
                <>
                  {fmtEuro(result.cost.cents / 100, lang)}{" "}
                  <span className="muted small">
                    ({t("wheel.price", { p: fmtEuro(result.cost.price_cents / 100, lang) })} · <a href={result.cost.source}>{t("wheel.source")}</a>)
                  </span>
                </>
              ) : (
                t("common.none")
              )}
            </dd>
            <dt>{t("wheel.bound")}</dt>
            <dd data-testid="bound">
              {t("wheel.boundVsFound", { found: result.count, bound: result.lower_bound.tickets, full: fmtInt(result.full_wheel, lang) })}{" "}
              <span className="muted small">({t(`wheel.boundName.${result.lower_bound.kind}`)})</span>
            </dd>
            <dt>{t("wheel.bestKnown")}</dt>
            <dd data-testid="best-known">
              {result.best_known
                ? t("wheel.bestKnownValue", { best: fmtInt(result.best_known.tickets, lang), source: knownSource(result.best_known) })
                : t("wheel.noRecord", { found: fmtInt(result.count, lang), bound: fmtInt(result.lower_bound.tickets, lang) })}
              {result.optimal && <> · <strong data-testid="optimal">{t("wheel.optimal")}</strong></>}
            </dd>
            <dt>{t("wheel.condition", { m: result.guarantee.if_drawn, n: result.numbers.length })}</dt>
            <dd data-testid="p-condition">{t("wheel.oneIn", { n: fmtNum(result.p_condition.one_in, lang, 1) })}</dd>
          </dl>
          <p className="banner strong" data-testid="reminder">
            {t("wheel.reminder", {
              t: result.guarantee.match,
              one: fmtNum(result.odds.p_ticket_matches_at_least_t.one_in, lang, 1),
              n: result.count,
              e: fmtNum(result.odds.expected_matching_tickets_per_draw, lang, 4),
              pw: fmtNum(result.odds.p_any_ticket_matches_at_least_t.probability, lang, 5),
              pi: fmtNum(result.odds.p_any_of_as_many_independent_random_tickets, lang, 5),
            })}
          </p>
          <ol className="grids">
            {result.tickets.map((g, i) => (
              <li key={i} data-testid="ticket" className="grid">
                <Balls numbers={g.numbers} bonus={g.bonus} />
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
