import { describe, expect, it } from "vitest";
import { fmtDate, fmtEuro, fmtInt, fmtMs, fmtNum, fmtPct, fmtUptime, gridsCsv } from "./format";
import { buildBody, parseIntList } from "./form";
import { apiUrl } from "./api";

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("formatting", () => {
  it("numbers per language", () => {
    expect(nbsp(fmtInt(1947, "fr"))).toBe("1 947");
    expect(fmtInt(1947, "en")).toBe("1,947");
    expect(fmtNum(0.5, "fr", 3)).toBe("0,500");
    expect(fmtNum(null, "fr")).toBe("—");
  });
  it("percentages, euros, durations", () => {
    expect(nbsp(fmtPct(0.919, "fr"))).toBe("91,9 %");
    expect(fmtPct(null, "en")).toBe("—");
    expect(nbsp(fmtEuro(1246.3, "fr"))).toBe("1 246,30 €");
    expect(fmtMs(37.2, "en")).toBe("37 ms");
    expect(fmtMs(1520, "en")).toBe("1.5 s");
    expect(fmtUptime(3 * 3600 + 4 * 60)).toBe("3 h 04 min");
    expect(fmtUptime(42)).toBe("42 s");
  });
  it("dates without a time-zone shift", () => {
    expect(fmtDate("2025-03-01", "en")).toBe("1 Mar 2025");
    expect(fmtDate(null, "fr")).toBe("—");
  });
  it("CSV quotes reasons with commas", () => {
    const csv = gridsCsv([{ numbers: [1, 2, 3, 4, 5], bonus: [1, 2], score: 1.01, reason: 'a, "b"' }]);
    expect(csv).toBe('numbers,bonus,score,reason\n1 2 3 4 5,1 2,1.01,"a, ""b"""\n');
  });
});

describe("generator form", () => {
  it("parses lists", () => {
    expect(parseIntList("3, 7 12;1")).toEqual([3, 7, 12, 1]);
    expect(parseIntList(" ")).toEqual([]);
    expect(parseIntList("3, x")).toBeNull();
  });
  it("builds the body, sending numbers as typed so the API judges ranges", () => {
    const { body } = buildBody({ strategy: "random", count: "20000", seed: "7", last: "50", exclude: "1,2", exclude_bonus: "" }, "bad");
    expect(body).toEqual({ strategy: "random", count: 20000, seed: 7, window: { last: 50 }, exclude: [1, 2] });
  });
  it("reports a bad list beside its field", () => {
    const { errors } = buildBody({ strategy: "random", count: "1", seed: "", last: "", exclude: "", exclude_bonus: "a" }, "bad");
    expect(errors).toEqual({ exclude_bonus: ["bad"] });
  });
  it("builds relative same-origin URLs without empty parameters", () => {
    expect(apiUrl("euromillions", "quick-stats", { year: "2025", month: "" })).toBe("/api/euromillions/quick-stats?year=2025");
    expect(apiUrl("loto", "draws")).toBe("/api/loto/draws");
  });
});
