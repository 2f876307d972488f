"""Write N made-up leads in HubSpot contacts-export format (deterministic).

    python bench/gen_hubspot.py 1000000 bench/out/hubspot-1m.csv

Same N, same file, byte for byte: the generator uses a fixed seed and no clock.
Columns and value shapes follow a real HubSpot export (UTF-8, comma,
"2026-11-29 14:05" times in the portal's zone, empty cells for unset dates).
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

HEADER = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Company Name",
          "Contact owner", "Lifecycle Stage", "Lead Status", "Original Source", "Create Date",
          "Became a Marketing Qualified Lead Date", "Became a Sales Qualified Lead Date",
          "Became an Opportunity Date", "Became a Customer Date", "Last Activity Date"]
FIRST = ["Ingrid", "Øystein", "Åse", "Bjørn", "Sigrid", "Håkon", "Marte", "Lars", "Kari", "Ola",
         "Pål", "Solveig", "Eirik", "Randi", "Tor", "Kristin", "Nils", "Hanne", "Jørgen", "Live"]
LAST = ["Bakken", "Lærum", "Kvåle", "Støre", "Hæreid", "Dæhli", "Ødegård", "Østby", "Nordmann",
        "Hansen", "Sørensen", "Aasen", "Brænne", "Øverland", "Sæther", "Åkre", "Berg", "Haugen"]
COMPANIES = ["Fjordlys", "Nordlys Energi", "Kvåle Regnskap", "Lærum Bygg", "Østby Transport",
             "Ødegård Design", "Aasen Eiendom", "Brænne Mekaniske", "Sæther & Co", "Åkre Hage"]
OWNERS = ["Kari Nordmann", "Ola Hansen", "Pål Sørensen", "Ingrid Marketing", "Ola Sales", ""]
SOURCES = ["Organic Search", "Paid Search", "Paid Social", "Social Media", "Referrals",
           "Email Marketing", "Offline Sources", "Direct Traffic"]
STATUSES = ["New", "Open", "In Progress", "Attempted to Contact", "Connected", "Unqualified", ""]
START = datetime(2025, 12, 1, 8, 0)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def rows(count: int, seed: int = 42):
    rng = random.Random(seed)
    for number in range(count):
        created = START + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        stage = rng.choices(("Lead", "Marketing Qualified Lead", "Sales Qualified Lead",
                             "Opportunity", "Customer"), (40, 30, 15, 10, 5))[0]
        level = ("Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity",
                 "Customer").index(stage)
        dates, moment = [], created
        for step in range(1, 5):
            if step <= level:
                moment = moment + timedelta(minutes=rng.randrange(5, 60 * 24 * 10))
                dates.append(stamp(moment))
            else:
                dates.append("")
        first, last = rng.choice(FIRST), rng.choice(LAST)
        yield [str(100000 + number), first, last, f"{first.lower()}.{number}@example.no",
               f"+47 {rng.randrange(40000000, 99999999)}",
               f"{rng.choice(COMPANIES)} AS", rng.choice(OWNERS), stage, rng.choice(STATUSES),
               rng.choice(SOURCES), stamp(created), *dates,
               stamp(moment + timedelta(hours=rng.randrange(1, 200)))]


def main(argv: list[str]) -> None:
    if len(argv) != 2 or not argv[0].isdigit():
        sys.exit("usage: gen_hubspot.py N OUT.csv")
    count, out = int(argv[0]), Path(argv[1])
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count))


if __name__ == "__main__":
    main(sys.argv[1:])
