"""Write N made-up deals in HubSpot deals-export format (deterministic).

    python bench/gen_deals.py 1000000 bench/out/deals-1m.csv [LEADS]

Same N, same file, byte for byte. Each deal's associated contact is one of the LEADS
contacts bench/gen_hubspot.py writes (Record IDs 100000 up; default LEADS = N), so the
two files import together; 3 % name a contact that is not there. Columns and value
shapes follow a real HubSpot deals export (UTF-8, comma, "2026-11-29 14:05" times).
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

HEADER = ["Record ID", "Deal Name", "Pipeline", "Deal Stage", "Amount", "Close Date",
          "Create Date", "Deal owner", "Associated Contact IDs", "Deal Type",
          "Closed Lost Reason"]
STAGES = (("Appointment Scheduled", 8), ("Qualified To Buy", 8), ("Presentation Scheduled", 6),
          ("Decision Maker Bought-In", 4), ("Contract Sent", 4), ("Closed Won", 30),
          ("Closed Lost", 40))
OWNERS = ["Kari Nordmann", "Ola Hansen", "Pål Sørensen", "Ingrid Sales", "Ola Sales", ""]
COMPANIES = ["Fjordlys", "Nordlys Energi", "Kvåle Regnskap", "Lærum Bygg", "Østby Transport",
             "Ødegård Design", "Aasen Eiendom", "Brænne Mekaniske", "Sæther & Co", "Åkre Hage"]
PRODUCTS = ["lisens", "support", "pilot", "utvidelse", "opplæring"]
REASONS = ["Chose a competitor", "No decision", "Price", "Timing"]
START = datetime(2025, 12, 1, 8, 0)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def rows(count: int, leads: int, seed: int = 7):
    rng = random.Random(seed)
    names, weights = zip(*STAGES)
    for number in range(count):
        created = START + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        stage = rng.choices(names, weights)[0]
        close = created + timedelta(minutes=rng.randrange(60, 60 * 24 * 90))
        contact = 100000 + rng.randrange(leads) if rng.random() >= 0.03 else 9_000_000 + number
        yield [str(50_000_000 + number),
               f"{rng.choice(COMPANIES)} AS - {rng.choice(PRODUCTS)}", "Sales Pipeline", stage,
               f"{rng.randrange(5, 500) * 1000}", stamp(close), stamp(created),
               rng.choice(OWNERS), str(contact), rng.choice(("newbusiness", "existingbusiness")),
               rng.choice(REASONS) if stage == "Closed Lost" else ""]


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3) or not argv[0].isdigit():
        sys.exit("usage: gen_deals.py N OUT.csv [LEADS]")
    count, out = int(argv[0]), Path(argv[1])
    leads = int(argv[2]) if len(argv) == 3 else count
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count, leads))


if __name__ == "__main__":
    main(sys.argv[1:])
