/** Loading and error messages shared by the pages. */
import { useI18n } from "../lib/i18n";

export function Loading() {
  const { t } = useI18n();
  return <p role="status" className="muted">{t("common.loading")}</p>;
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  const msg = error instanceof Error ? error.message : String(error);
  return <p role="alert" className="error">{t("common.error", { msg })}</p>;
}

export function Balls({ numbers, bonus }: { numbers: number[]; bonus: number[] }) {
  return (
    <span className="balls">
      {numbers.map((n, i) => (
        <span key={`n${i}`} className="ball">{n}</span>
      ))}
      {bonus.map((n, i) => (
        <span key={`b${i}`} className="ball bonus">{n}</span>
      ))}
    </span>
  );
}
