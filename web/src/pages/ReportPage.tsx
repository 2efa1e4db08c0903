/** Rapport: the latest weekly report, embedded (or a message when there is none yet). */
import { useQuery } from "@tanstack/react-query";
import { apiUrl } from "../lib/api";
import { useGame } from "../lib/game";
import { useI18n } from "../lib/i18n";
import { ErrorMessage, Loading } from "../components/Status";

export function ReportPage() {
  const { t } = useI18n();
  const { game } = useGame();
  const url = apiUrl(game, "reports/latest");
  // A HEAD-like probe: a 404 means no report yet (the iframe would show the JSON error otherwise).
  const probe = useQuery({
    queryKey: ["report", game],
    queryFn: async () => {
      const res = await fetch(url, { headers: { Accept: "text/html" } });
      return res.status;
    },
  });
  return (
    <section aria-labelledby="report-title">
      <h1 id="report-title">
        {t("report.title")} · {t(`game.${game}`)}
      </h1>
      {probe.isPending && <Loading />}
      {probe.error && <ErrorMessage error={probe.error} />}
      {probe.data === 404 && <p data-testid="no-report">{t("report.none")}</p>}
      {probe.data !== undefined && probe.data !== 404 && probe.data >= 400 && <ErrorMessage error={`HTTP ${probe.data}`} />}
      {probe.data !== undefined && probe.data < 400 && (
        <>
          <p>
            <a href={url} target="_blank" rel="noopener">{t("report.open")}</a>
          </p>
          <iframe className="report" src={url} title={t("report.frame")} />
        </>
      )}
    </section>
  );
}
