"""Price of one simple grid in France, per era, as data with the source that states it.

A price applies from its ``start`` (the first draw day sold at that price) until the next price of
the same game starts. Prices are in euro cents for the French market only (other EuroMillions
countries sell at other prices). Nothing here does I/O.

What could not be sourced is said, not guessed: French Loto prices from the franc era
(1976-2001) were not found in any source consulted, so the table starts at the euro
changeover and :func:`price_on` returns None before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lottery.games import Game


@dataclass(frozen=True)
class TicketPrice:
    """The price of one simple grid (one line) of ``game`` in France from ``start`` on."""

    game: Game
    start: date  # first draw day on which this price applied (France)
    cents: int  # price of one simple grid (one line) in euro cents, in France
    source: str  # URL or document that states this price
    note: str = ""  # what is included, caveats


PRICES: tuple[TicketPrice, ...] = (
    TicketPrice(
        Game.EUROMILLIONS,
        date(2004, 2, 13),
        200,
        "https://cafebabel.com/fr/article/euro-millions-100-des-gagnants-ont-tente-leur-chance-5ae0055af723b35a145de177",
        "2.00 EUR a grid from the first draw (Friday 2004-02-13, Paris): 'La mise est de 2 euros par "
        "grille'. Also stated by bfmtv.com (2014-12-02): 2.50 EUR 'contre 2 euros auparavant'.",
    ),
    TicketPrice(
        Game.EUROMILLIONS,
        date(2014, 2, 4),
        250,
        "http://www.tirage-euromillions.net/euromillions/mymillion/",
        "2.50 EUR with one compulsory My Million code (France only, +0.50 EUR), first My Million draw "
        "Tuesday 2014-02-04; the rise to 2.50 from 2.00 'depuis le mois de février' is confirmed by "
        "https://www.bfmtv.com/societe/"
        "euro-millions-7-des-joueurs-jettent-leurs-gains-my-million-a-la-poubelle_AN-201412020032.html. "
        "Unchanged at the 2016-09-27 rules change (europe1.fr, cnews.fr: 'toujours pour 2,50 euros') "
        "and at the 2020-02 jackpot-cap change (20minutes.fr 2020-01-28: 'reste identique, à 2,50 "
        "euros'). No later change found in the sources consulted. Étoile+ (+1 EUR) is an option, "
        "not included.",
    ),
    TicketPrice(
        Game.LOTO,
        date(2002, 1, 1),
        60,
        "http://caploto.free.fr/Base_de_connaissances-Cap-Loto/loto-francaise-des-jeux-3.php",
        "6/49 formula: minimum stake 1.20 EUR for 2 grids, so 0.60 EUR a grid, and each grid played "
        "BOTH draws of the day (1er and 2e tirage, Wednesday and Saturday): 0.30 EUR per grid per draw. "
        "Libération (2008-10-10, quoted at "
        "http://justice.cloppy.net/index.php/notes/2008/10/10/le-loto-c-etait-pas-cher): "
        "'2 euros pour un tirage au lieu de 1,20 euro pour deux tirages'. The start date is NOT "
        "sourced: it is the euro changeover (2002-01-01), the first day a euro price can apply; the "
        "sources only state this price for the last years of the formula. Franc-era prices "
        "(1976-2001) were not found, so price_on returns None before 2002-01-01 (no conversion at "
        "6.55957 FRF/EUR was possible without a sourced franc price).",
    ),
    TicketPrice(
        Game.LOTO,
        date(2008, 10, 6),
        200,
        "https://pomms.org/le-loto-fait-peau-neuve-et-coute-plus-cher-156.html",
        "New formula (5/49 + numéro chance 1-10), first draw Monday 2008-10-06: 'Au lieu de 1,20 € "
        "avant, il passe à 2 € la grille', one draw per grid. Same figures in Libération 2008-10-10 "
        "and caploto.free.fr.",
    ),
    TicketPrice(
        Game.LOTO,
        date(2017, 3, 6),
        220,
        "https://www.20minutes.fr/societe/2006719-20170201-jeux-gratter-francaise-jeux-ajoute-tirage-complementaire-classique-loto",
        "2.20 EUR from the new Loto of Monday 2017-03-06 (grids sold from Sunday 2017-03-05, "
        "directmatin.fr 2017-02-23), includes one Loto code (tombola, 10 x 20,000 EUR a draw). "
        "Unchanged when the optional second draw came on 2019-11-04 (rtl.fr: 'Le prix de la grille "
        "(2,20 euros), reste le même'); the second draw costs 0.80 EUR more (3.00 EUR in total) and "
        "is not included here. caploto.free.fr dates the 2.20 price to 2019, contradicted by the "
        "2017 press. No later change found in the sources consulted.",
    ),
)


def prices_of(game: Game) -> tuple[TicketPrice, ...]:
    """The prices of one game, oldest first."""
    return tuple(sorted((p for p in PRICES if p.game == game), key=lambda p: p.start))


def price_on(game: Game, day: date) -> TicketPrice | None:
    """The price in force on ``day``, or None before the first sourced price of ``game``."""
    current = None
    for price in prices_of(game):
        if price.start <= day:
            current = price
    return current
