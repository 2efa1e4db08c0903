import { describe, expect, it, beforeEach } from "vitest";
import { act, render, screen } from "@testing-library/react";
import { I18nProvider, STORAGE_KEY, storedLang, translate, useI18n } from "./i18n";
import { en, fr } from "./dict";

describe("translate", () => {
  const dicts = { fr: { a: "A fr", b: "B fr {n}" }, en: { a: "A en" } };
  it("uses the chosen language", () => expect(translate("en", "a", {}, dicts)).toBe("A en"));
  it("falls back to French when English lacks the key", () => expect(translate("en", "b", { n: 3 }, dicts)).toBe("B fr 3"));
  it("falls back to the key itself when no language has it", () => expect(translate("en", "zzz", {}, dicts)).toBe("zzz"));
  it("leaves unknown slots visible", () => expect(translate("fr", "b", {}, dicts)).toBe("B fr {n}"));
  it("every English key exists in French (French is the complete fallback)", () => {
    const missing = Object.keys(en).filter((k) => !(k in fr));
    expect(missing).toEqual([]);
  });
});

describe("language choice", () => {
  beforeEach(() => localStorage.clear());
  it("defaults to French and ignores a bad stored value", () => {
    expect(storedLang()).toBe("fr");
    localStorage.setItem(STORAGE_KEY, "de");
    expect(storedLang()).toBe("fr");
  });
  it("switches to English and keeps the choice in localStorage", () => {
    function Probe() {
      const { t, setLang } = useI18n();
      return <button onClick={() => setLang("en")}>{t("nav.draws")}</button>;
    }
    render(<I18nProvider><Probe /></I18nProvider>);
    expect(screen.getByRole("button")).toHaveTextContent("Tirages");
    act(() => screen.getByRole("button").click());
    expect(screen.getByRole("button")).toHaveTextContent("Draws");
    expect(localStorage.getItem(STORAGE_KEY)).toBe("en");
    expect(storedLang()).toBe("en");
    expect(document.documentElement.lang).toBe("en");
  });
});
