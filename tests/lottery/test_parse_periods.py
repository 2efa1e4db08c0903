"""One test per FDJ period file: the real excerpt parses to exactly the values FDJ wrote."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lottery.fdj.parse import ParsedDraw, ParsedFile, Prize, parse_csv, sniff_game
from lottery.games import DrawKind, Game
from tests.conftest import fixture_bytes
from tests.rows import assert_every_line_accounted


def parse(rel: str) -> ParsedFile:
    """Parse one excerpt; it must have no reject and account for every line."""
    parsed = parse_csv(fixture_bytes(rel), rel)
    assert parsed.rejects == []
    assert_every_line_accounted(parsed)
    assert sniff_game(fixture_bytes(rel), rel) == parsed.game
    return parsed


def draw(parsed: ParsedFile, day: date, kind: DrawKind = DrawKind.MAIN, tirage: int = 1) -> ParsedDraw:
    """The one draw of ``kind`` on ``day``."""
    found = [d for d in parsed.draws if d.key == (kind, day, tirage)]
    assert len(found) == 1, f"{kind} {day} {tirage}: {len(found)} draws"
    return found[0]


def prize(d: ParsedDraw, rank: int, table: str = "main") -> Prize:
    """One prize rank of a draw."""
    (found,) = [p for p in d.prizes if p.table == table and p.rank == rank]
    return found


def dates(parsed: ParsedFile, kind: DrawKind = DrawKind.MAIN) -> list[date]:
    """Draw dates of one kind, in file order."""
    return [d.draw_date for d in parsed.draws if d.kind == kind]


def test_euromillions_2004_2011_yyyymmdd() -> None:
    """euromillions.csv: yyyymmdd dates, 9 stars, 12 ranks, empty jokerplus is fine."""
    pf = parse("euromillions/euromillions.csv")
    assert (pf.game, pf.encoding, pf.rows_read) == (Game.EUROMILLIONS, "utf-8", 4)
    assert dates(pf) == [date(2011, 5, 6), date(2011, 4, 29), date(2006, 3, 24), date(2004, 2, 13)]
    first = draw(pf, date(2004, 2, 13))
    assert first.balls == (32, 16, 29, 41, 36)
    assert first.numbers == (16, 29, 32, 36, 41)
    assert (first.bonus, first.bonus_sorted) == ((9, 7), (7, 9))
    assert (first.fdj_draw_id, first.claim_deadline, first.currency) == ("2004001", date(2004, 4, 15), "eur")
    assert first.line_no == 5
    assert prize(first, 1) == Prize("main", 1, 1, 1, Decimal("15000000.00"))
    assert prize(first, 2).amount == Decimal("2236394.80")
    assert [p.rank for p in first.prizes] == list(range(1, 13))
    last = draw(pf, date(2011, 5, 6))
    assert prize(last, 1) == Prize("main", 1, 0, 1, Decimal("28772008.00"))
    assert prize(last, 3) == Prize("main", 3, 8, 19, Decimal("47567.70"))


def test_euromillions_2011_2014_first_eleven_star_draws() -> None:
    """euromillions_2.csv: dd/mm/yyyy, padded MARDI, 13 ranks, star 11 on 2011-05-20."""
    pf = parse("euromillions/euromillions_2.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 4)
    assert dates(pf) == [date(2014, 1, 31), date(2014, 1, 28), date(2011, 5, 20), date(2011, 5, 10)]
    tuesday = draw(pf, date(2011, 5, 10))
    assert (tuesday.balls, tuesday.bonus, tuesday.fdj_draw_id) == ((28, 3, 45, 10, 15), (7, 5), "2011019")
    d = draw(pf, date(2011, 5, 20))
    assert (d.numbers, d.bonus_sorted) == ((10, 14, 20, 25, 42), (8, 11))
    assert d.claim_deadline == date(2011, 7, 20)
    assert prize(d, 2) == Prize("main", 2, 2, 8, Decimal("237049.70"))
    assert [p.rank for p in d.prizes] == list(range(1, 14))


def test_euromillions_2014_2016_two_digit_year_row() -> None:
    """euromillions_3.csv: row 2016077 writes 23/09/16 and 23/11/16."""
    pf = parse("euromillions/euromillions_3.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 3)
    d = draw(pf, date(2016, 9, 23))
    assert (d.fdj_draw_id, d.claim_deadline, d.line_no) == ("2016077", date(2016, 11, 23), 2)
    assert (d.balls, d.numbers, d.bonus) == ((14, 39, 42, 49, 16), (14, 16, 39, 42, 49), (9, 3))
    assert prize(d, 1) == Prize("main", 1, 1, 1, Decimal("23850387.00"))
    assert dates(pf) == [date(2016, 9, 23), date(2016, 9, 20), date(2014, 2, 4)]


def test_euromillions_2016_2019_cp1252_75_names_76_fields() -> None:
    """euromillions_4.csv: cp1252, oldest first, and the last columns are not shifted."""
    pf = parse("euromillions/euromillions_4.csv")
    assert (pf.encoding, pf.rows_read) == ("cp1252", 3)
    assert dates(pf) == [date(2016, 9, 27), date(2016, 9, 30), date(2019, 2, 26)]
    d = draw(pf, date(2016, 9, 27))
    assert (d.balls, d.bonus, d.bonus_sorted) == ((41, 6, 13, 39, 9), (2, 12), (2, 12))
    assert (d.fdj_draw_id, d.claim_deadline, d.currency) == ("2016078", date(2016, 11, 27), "eur")
    assert prize(d, 2) == Prize("main", 2, 1, 3, Decimal("293260.30"))
    assert prize(d, 1, "etoile_plus") == Prize("etoile_plus", 1, 1, None, Decimal("3849.80"))
    assert prize(d, 10, "etoile_plus") == Prize("etoile_plus", 10, 144546, None, Decimal("2.90"))
    assert len(d.prizes) == 23


def test_euromillions_2019_2020_latin1() -> None:
    """euromillions_201902.csv: cp1252 header, 13 + 10 ranks."""
    pf = parse("euromillions/euromillions_201902.csv")
    assert (pf.encoding, pf.rows_read) == ("cp1252", 3)
    d = draw(pf, date(2020, 1, 31))
    assert (d.numbers, d.bonus_sorted, d.fdj_draw_id) == ((13, 18, 20, 23, 30), (2, 4), "2020009")
    assert d.claim_deadline == date(2020, 4, 1)
    assert prize(d, 2) == Prize("main", 2, 4, 0, Decimal("90934.60"))
    assert prize(d, 1, "etoile_plus") == Prize("etoile_plus", 1, 2, None, Decimal("2927.50"))
    assert draw(pf, date(2019, 3, 1)).bonus == (12, 11)


def test_euromillions_2020_open_file_format_drift() -> None:
    """euromillions_202002.csv: UTF-8, 8- and 5-digit ids, ',90', decimal points on 2022-08-19."""
    pf = parse("euromillions/euromillions_202002.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 6)
    ids = {d.draw_date: d.fdj_draw_id for d in pf.draws}
    assert ids == {
        date(2026, 5, 19): "26040",
        date(2026, 3, 31): "26026",
        date(2022, 8, 19): "20222066",
        date(2022, 7, 1): "22052",
        date(2022, 6, 28): "20222051",
        date(2020, 2, 4): "20200010",
    }
    newest = draw(pf, date(2026, 5, 19))
    assert (newest.balls, newest.bonus, newest.claim_deadline) == (
        (12, 20, 45, 38, 2),
        (5, 2),
        date(2026, 8, 18),
    )
    assert prize(newest, 2) == Prize("main", 2, 1, 3, Decimal("195442.20"))
    assert prize(draw(pf, date(2026, 3, 31)), 5, "etoile_plus").amount == Decimal("0.90")
    odd = draw(pf, date(2022, 8, 19))
    assert prize(odd, 5) == Prize("main", 5, 267, 1092, Decimal("93.40"))
    assert prize(odd, 1, "etoile_plus").amount == Decimal("1471.30")
    assert prize(odd, 8).amount == Decimal("9.80")
    assert draw(pf, date(2022, 6, 28)).balls == (35, 10, 47, 42, 48)


def test_loto_6_49_two_tirages_francs_and_scientific_notation() -> None:
    """loto.csv: 6/49 with complementary ball, tirage 1 and 2, frf, 3,3E+7."""
    pf = parse("loto/loto.csv")
    assert (pf.game, pf.encoding, pf.rows_read) == (Game.LOTO, "utf-8", 5)
    assert {d.kind for d in pf.draws} == {DrawKind.LOTO_6_49}
    one = draw(pf, date(2008, 10, 4), DrawKind.LOTO_6_49, 1)
    two = draw(pf, date(2008, 10, 4), DrawKind.LOTO_6_49, 2)
    assert (one.balls, one.bonus, one.line_no) == ((36, 9, 16, 27, 25, 12), (48,), 3)
    assert (two.numbers, two.bonus, two.line_no) == ((15, 16, 32, 33, 42, 49), (37,), 2)
    assert prize(two, 1) == Prize("main", 1, 2, None, Decimal("904940.00"))
    old = draw(pf, date(1990, 8, 4), DrawKind.LOTO_6_49)
    assert old.currency == "frf"
    assert prize(old, 1) == Prize("main", 1, 1, None, Decimal("33000000.00"))
    assert draw(pf, date(2002, 1, 5), DrawKind.LOTO_6_49).currency == "frf"
    assert two.currency == "eur"
    first = draw(pf, date(1976, 5, 19), DrawKind.LOTO_6_49)
    assert (first.claim_deadline, first.fdj_draw_id) == (None, "1976001")


def test_nouveau_loto_2008_2017() -> None:
    """nouveau_loto.csv: 5 balls + numero_chance, 6 ranks, combination 'a-b-c-d-e+c'."""
    pf = parse("loto/nouveau_loto.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 3)
    d = draw(pf, date(2008, 10, 6))
    assert (d.kind, d.balls, d.numbers, d.bonus) == (
        DrawKind.MAIN,
        (19, 33, 41, 24, 27),
        (19, 24, 27, 33, 41),
        (9,),
    )
    assert (d.fdj_draw_id, d.claim_deadline) == ("2008081", date(2008, 12, 6))
    assert prize(d, 3) == Prize("main", 3, 592, None, Decimal("1617.60"))
    assert [p.rank for p in d.prizes] == [1, 2, 3, 4, 5, 6]


def test_loto_2017_codes_gagnants_with_commas() -> None:
    """loto2017.csv: the codes_gagnants field holds commas; 9 ranks."""
    pf = parse("loto/loto2017.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 3)
    d = draw(pf, date(2019, 2, 25))
    assert (d.balls, d.bonus, d.fdj_draw_id) == ((7, 44, 37, 48, 38), (7,), "2019024")
    assert prize(d, 1) == Prize("main", 1, 0, None, Decimal("4000000.00"))
    assert prize(d, 9) == Prize("main", 9, 433301, None, Decimal("2.20"))
    assert dates(pf) == [date(2019, 2, 25), date(2019, 2, 23), date(2017, 3, 6)]


def test_loto_201902() -> None:
    """loto_201902.csv: last file before the second draw."""
    pf = parse("loto/loto_201902.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 3)
    d = draw(pf, date(2019, 11, 2))
    assert (d.numbers, d.bonus, d.fdj_draw_id) == ((1, 13, 16, 18, 41), (3,), "2019131")
    assert prize(d, 1).amount == Decimal("10000000.00")
    assert not [x for x in pf.draws if x.kind == DrawKind.LOTO_SECOND]


def test_loto_201911_second_draw_and_short_ids() -> None:
    """loto_201911.csv (2025 export): second draw per row, 4-digit id 3058, revised 2024-07-24."""
    pf = parse("loto/loto_201911.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 4)
    assert dates(pf) == dates(pf, DrawKind.LOTO_SECOND)
    main = draw(pf, date(2025, 5, 14))
    second = draw(pf, date(2025, 5, 14), DrawKind.LOTO_SECOND)
    assert (main.balls, main.bonus, main.fdj_draw_id) == ((34, 42, 31, 12, 43), (10,), "25058")
    assert (second.balls, second.bonus, second.line_no) == ((20, 30, 32, 42, 46), (), 2)
    assert prize(second, 1, "second") == Prize("second", 1, 1, None, Decimal("126731.00"))
    assert [p.table for p in second.prizes] == ["second"] * 4
    assert draw(pf, date(2023, 5, 15)).fdj_draw_id == "3058"
    revised = draw(pf, date(2024, 7, 24))
    assert (revised.claim_deadline, prize(revised, 4).winners_france) == (date(2024, 10, 22), 415)


def test_loto_201911_snapshot_2024_has_2019_11_04() -> None:
    """snapshot_2024-07/loto_201911.csv: the only export with the 2019-11-04 draw."""
    pf = parse("loto/snapshot_2024-07/loto_201911.csv")
    assert (pf.encoding, pf.rows_read) == ("utf-8", 3)
    d = draw(pf, date(2019, 11, 4))
    assert (d.balls, d.bonus, d.fdj_draw_id, d.line_no) == ((16, 9, 42, 1, 39), (7,), "20199132", 4)
    second = draw(pf, date(2019, 11, 4), DrawKind.LOTO_SECOND)
    assert second.numbers == (6, 18, 25, 41, 43)
    assert prize(second, 1, "second") == Prize("second", 1, 2, None, Decimal("50000.00"))
    old = draw(pf, date(2024, 7, 24))
    assert (old.fdj_draw_id, old.claim_deadline) == ("20244089", date(2024, 9, 23))
    assert prize(old, 4) == Prize("main", 4, 418, None, Decimal("467.30"))
