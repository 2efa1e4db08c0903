/** Header (title, game switch, language), navigation, page outlet, footer. */
import { NavLink, Outlet } from "react-router";
import { useI18n, LANGS } from "../lib/i18n";
import { useGame } from "../lib/game";
import { GAMES } from "../lib/api";

const LINKS = [
  { to: "/", key: "nav.stats", end: true },
  { to: "/tirages", key: "nav.draws" },
  { to: "/generer", key: "nav.generate" },
  { to: "/odds", key: "nav.odds" },
  { to: "/check", key: "nav.check" },
  { to: "/wheel", key: "nav.wheel" },
  { to: "/performance", key: "nav.performance" },
  { to: "/rapport", key: "nav.report" },
];

export function Layout() {
  const { t, lang, setLang } = useI18n();
  const { game, setGame } = useGame();
  return (
    <>
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">●</span>
          <div>
            <p className="name">{t("app.title")}</p>
            <p className="tagline">{t("app.tagline")}</p>
          </div>
        </div>
        <div className="switches">
          <div role="group" aria-label={t("game.label")} className="seg">
            {GAMES.map((g) => (
              <button key={g} type="button" aria-pressed={game === g} onClick={() => setGame(g)}>
                {t(`game.${g}`)}
              </button>
            ))}
          </div>
          <div role="group" aria-label={t("lang.label")} className="seg small">
            {LANGS.map((l) => (
              <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)}>
                {l.toUpperCase()}
              </button>
            ))}
          </div>
        </div>
      </header>
      <nav aria-label={t("nav.label")} className="nav">
        {LINKS.map((l) => (
          <NavLink key={l.to} to={l.to} end={l.end}>
            {t(l.key)}
          </NavLink>
        ))}
      </nav>
      <main id="main">
        <Outlet />
      </main>
      <footer className="foot">{t("footer.odds")}</footer>
    </>
  );
}
