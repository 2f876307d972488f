"""Write N made-up engagements, one per row, for the leads of bench/gen_store.py (deterministic).

    python bench/gen_engagements.py 5000000 bench/out/engagements-5000000.csv [--leads 1000000]

The columns of the generic preset (Event ID, Lead ID, Event, Time, Asset, URL, Channel,
Campaign, Keyword); leads "L1".."L<leads>" as gen_store.py names them; times spread over
2024-01-01 .. 2026-11-28 as "2026-11-29 14:05"; a keyword on a search visit or ad click.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import datetime, timedelta
from pathlib import Path

HEADER = ["Event ID", "Lead ID", "Event", "Time", "Asset", "URL", "Channel", "Campaign",
          "Keyword"]
KINDS = (("page view", 40), ("content download", 15), ("form submission", 8),
         ("email open", 20), ("email click", 7), ("webinar registered", 4),
         ("webinar attended", 2), ("ad click", 4))
ASSETS = (("Prisguide 2027", "https://example.no/prisguide.pdf"),
          ("E-bok: Innkjøp for økonomisjefer", "https://example.no/e-bok"),
          ("Priser", "https://example.no/priser"), ("Be om demo", "https://example.no/demo"),
          ("Nyhetsbrev november", ""), ("Webinar: Smartere innkjøp", ""))
CHANNELS = ("Organic Search", "Paid Search", "LinkedIn", "Email", "Direct", "Referral")
KEYWORDS = ("fakturaprogram for små bedrifter", "regnskapsprogram pris", "ehf faktura",
            "regnskapssystem for as", "innkjøpsløsning")
START = datetime(2024, 1, 1)
SPAN_MINUTES = 1062 * 24 * 60


def rows(count: int, leads: int, seed: int = 14):
    rng = random.Random(seed)
    kinds = [k for k, _ in KINDS]
    weights = [w for _, w in KINDS]
    for number in range(count):
        kind = rng.choices(kinds, weights)[0]
        asset, url = rng.choice(ASSETS)
        channel = rng.choice(CHANNELS)
        search = kind in ("page view", "ad click") and channel in ("Organic Search",
                                                                   "Paid Search")
        moment = START + timedelta(minutes=rng.randrange(SPAN_MINUTES))
        yield [f"E{number + 1}", f"L{rng.randrange(leads) + 1}", kind,
               moment.strftime("%Y-%m-%d %H:%M"), asset, url, channel,
               f"Campaign {rng.randrange(300)}", rng.choice(KEYWORDS) if search else ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--leads", type=int, default=1_000_000)
    args = parser.parse_args()
    with open(args.path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(args.count, args.leads))


if __name__ == "__main__":
    main()
