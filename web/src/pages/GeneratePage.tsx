/** Générer: a generation request, its live progress, then the grids with the odds banner. */
import { useEffect, useState } from "react";
import { apiUrl, postJson } from "../lib/api";
import { buildBody, type GenerateForm } from "../lib/form";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { fmtMs, fmtNum, gridsCsv } from "../lib/format";
import { useTaskForm } from "../lib/taskForm";
import { Balls } from "../components/Status";
import { Field } from "../components/Field";
import { FormAlerts, TaskFailure, TaskProgress } from "../components/TaskProgress";
import { copyText } from "../lib/clipboard";
import { lastGenerationKey } from "../lib/check";

/** Grids listed on the page (the copy and the CSV hold all of them). */
const SHOWN = 500;

export const STRATEGIES = ["frequency_based", "gap_based", "combination_based", "random"];

export function GeneratePage() {
  const { t, lang } = useI18n();
  const { game } = useGame();
  const [form, setForm] = useState<GenerateForm>({ strategy: "frequency_based", count: "10", seed: "", last: "", exclude: "", exclude_bonus: "" });
  const [copied, setCopied] = useState(false);
  const { fieldErrors, retryAfter, statusUrl, status, pollError, running, showErrors, run } = useTaskForm();

  const submit = async () => {
    setCopied(false);
    const built = buildBody(form, t("gen.invalidList"));
    if (built.errors) {
      showErrors(built.errors);
      return;
    }
    await run(async () => (await postJson<{ task_id: string; status_url: string }>(apiUrl(game, "generate-advanced"), built.body)).status_url);
  };

  const result = status?.state === "SUCCESS" ? status.result : null;
  useEffect(() => {
    // The Vérifier page offers to check the grids of the last finished generation.
    if (status?.state !== "SUCCESS") return;
    try {
      globalThis.localStorage?.setItem(lastGenerationKey(game), status.task_id);
    } catch {
      /* storage unavailable: the page just won't offer it */
    }
  }, [status, game]);
  const bonusName = t(`common.bonus.${game}`);
  const upd = (k: keyof GenerateForm) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  return (
    <section aria-labelledby="gen-title">
      <h1 id="gen-title">
        {t("gen.title")} · {t(`game.${game}`)}
      </h1>
      <p className="banner" role="note">{t("gen.banner")}</p>
      <form
        className="genform"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field name="strategy" label={t("gen.strategy")} errors={fieldErrors.strategy}>
          {(id, desc) => (
            <select id={id} aria-describedby={desc} value={form.strategy} onChange={upd("strategy")}>
              {STRATEGIES.map((s) => (
                <option key={s} value={s}>{t(`gen.strategy.${s}`)}</option>
              ))}
            </select>
          )}
        </Field>
        <Field name="count" label={t("gen.count")} errors={fieldErrors.count}>
          {(id, desc) => <input id={id} aria-describedby={desc} aria-invalid={!!fieldErrors.count} type="number" inputMode="numeric" min={1} value={form.count} onChange={upd("count")} />}
        </Field>
        <Field name="seed" label={t("gen.seed")} errors={fieldErrors.seed}>
          {(id, desc) => <input id={id} aria-describedby={desc} aria-invalid={!!fieldErrors.seed} type="number" inputMode="numeric" min={0} value={form.seed} onChange={upd("seed")} />}
        </Field>
        <Field name="last" label={t("gen.last")} errors={fieldErrors.last}>
          {(id, desc) => <input id={id} aria-describedby={desc} aria-invalid={!!fieldErrors.last} type="number" inputMode="numeric" min={1} value={form.last} onChange={upd("last")} />}
        </Field>
        <Field name="exclude" label={t("gen.exclude")} errors={fieldErrors.exclude}>
          {(id, desc) => <input id={id} aria-describedby={desc} aria-invalid={!!fieldErrors.exclude} type="text" value={form.exclude} onChange={upd("exclude")} placeholder="7, 13" />}
        </Field>
        <Field name="exclude_bonus" label={t("gen.exclude_bonus", { bonus: bonusName.toLowerCase() })} errors={fieldErrors.exclude_bonus}>
          {(id, desc) => <input id={id} aria-describedby={desc} aria-invalid={!!fieldErrors.exclude_bonus} type="text" value={form.exclude_bonus} onChange={upd("exclude_bonus")} />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={running}>{running ? t("gen.running") : t("gen.submit")}</button>
        </div>
      </form>

      <FormAlerts fieldErrors={fieldErrors} retryAfter={retryAfter} />
      <TaskFailure status={status} pollError={pollError} failed={(msg) => t("gen.failed", { msg })} />
      {statusUrl && <TaskProgress status={status} label={t("gen.running")} />}

      {result && (
        <div className="result">
          <p className="banner strong" data-testid="note">{result.note}</p>
          <div className="result-head">
            <p>{t("gen.grids", { n: result.grids.length, ms: fmtMs(result.duration_ms, lang) })}</p>
            <div className="actions">
              <button
                type="button"
                onClick={() => {
                  const text = result.grids.map((g) => `${g.numbers.join(" ")} | ${g.bonus.join(" ")}`).join("\n");
                  void copyText(text).then(setCopied);
                }}
              >
                {copied ? t("gen.copied") : t("gen.copy")}
              </button>
              <a
                className="button"
                download={`lotostats-${game}-${result.strategy}.csv`}
                href={`data:text/csv;charset=utf-8,${encodeURIComponent(gridsCsv(result.grids))}`}
              >
                {t("gen.csv")}
              </a>
            </div>
          </div>
          {result.grids.length > SHOWN && <p className="muted small">{t("gen.shown", { n: SHOWN })}</p>}
          <ol className="grids">
            {result.grids.slice(0, SHOWN).map((g, i) => (
              <li key={i} data-testid="grid" className="grid">
                <Balls numbers={g.numbers} bonus={g.bonus} />
                <span className="score">{t("gen.score")} {fmtNum(g.score, lang, 3)}</span>
                <span className="reason">{g.reason}</span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}
