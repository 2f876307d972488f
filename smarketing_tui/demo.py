"""The demo workspace: a made-up Norwegian company with 12 weeks of realistic data.

``build_demo`` creates a workspace with the shipped agendas and SLA, settings
for *Fjordlys Software AS* (4 marketers, 5 sellers) and a store filled from a
seeded :class:`random.Random` only: the same seed and the same day give the
same store, row for row.

The story the numbers tell, so a meeting on the demo has something to talk about:

* lead volume and MQLs rise week by week; MQL volume and acceptance meet the SLA;
* four sellers answer new MQLs within hours, one (Erlend) takes about a
  business day and a half, so "first contact within 24 business hours" is amber
  most weeks and red in the week last week's meeting reviewed;
* sellers give up on unreachable leads early, so "3 touches before
  disqualifying" misses its target;
* the SLA leaves duplicates, students and competitors out (the shipped
  template's ``exclude`` rule), and every lead line says how many it left out;
* sales wins about 58 % of the deals closed in October and 45 % in November,
  so the demo's win-rate commitment (at least 50 %) goes from green to amber;
* webinar leads book meetings at about half the rate of search leads;
* the exports behind it were taken early this morning, as the Monday-morning
  import routine before a meeting leaves them (built before that morning's
  exports are done, the workspace holds last evening's instead).

A few leads and notes carry hostile text (console markup, an escape
sequence, HTML, Markdown specials) to prove every screen and export escapes data.
"""

from __future__ import annotations

import json
import math
import random
import re
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from smarketing_tui import seating
from smarketing_tui.scorecard_text import issue_from_line
from smarketing_tui.timeutil import STORE_FORMAT, UTC, iso_week_label, now_utc, zone
from smarketing_tui.workspace import SETTINGS_FILE, Workspace, init_workspace, load_settings

DEMO_COMPANY = "Fjordlys Software AS"
DEMO_TIMEZONE = "Europe/Oslo"
DEMO_CURRENCY = "NOK"
DEMO_WEEKS = 12
DEFAULT_SEED = 2026

# Business hours of the demo company (kept in step with the settings written below).
_OPEN, _CLOSE = time(8, 0), time(16, 0)
_BUSINESS_SECONDS_PER_DAY = 8 * 3600

# The import routine reads the CRMs at 06:45 each morning; the contacts export, the last
# file it imports, is done at 07:04. A demo built earlier in the day holds the previous
# run's files, taken the evening before at 17:45 (done at 18:04).
_MORNING_CUTOFF = time(6, 45)
_EVENING_CUTOFF = time(17, 45)
_EXPORTS_DONE = timedelta(minutes=19)  # from the cutoff to the last import's finish

# The hostile strings, made up and rare: every screen and export must show them as text.
HOSTILE_COMPANY = "[bold red]Hacker AS[/]"
HOSTILE_NAME = "Test \x1b[2JTestesen"
HOSTILE_HTML_COMPANY = "Ærlig & Redelig <Eiendom> AS"
HOSTILE_NOTE = ("Pasted from the Teams chat: <script>alert(1)</script> (made-up test text). "
                "Keep *asterisks*, _underscores_, | pipes | and # hashes exactly as typed.")


@dataclass(frozen=True)
class _Marketer:
    name: str
    email: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class _Seller:
    name: str
    email: str
    aliases: tuple[str, ...]
    share: float              # share of routed MQLs
    response_median: float    # business hours from assignment to first touch (median)
    response_sigma: float     # log-normal spread: the long tail
    tries: tuple[int, int]    # attempts on an unreachable lead before giving up
    gap_median: float         # business hours between touches (median)


_DOMAIN = "fjordlys.example"

MARKETERS = (
    _Marketer("Ingrid Sæther", f"ingrid.saether@{_DOMAIN}",
              ("41230017", f"isaether@{_DOMAIN}")),
    _Marketer("Magnus Øvrebø", f"magnus.ovrebo@{_DOMAIN}",
              ("41230018", "Magnus Ovrebo")),
    _Marketer("Sofie Lien", f"sofie.lien@{_DOMAIN}", ("41230019",)),
    _Marketer("Henrik Åsland", f"henrik.asland@{_DOMAIN}",
              ("41230020", "Henrik Aasland")),
)

SELLERS = (
    _Seller("Kristine Bråten", f"kristine.braten@{_DOMAIN}",
            ("52917340", "Kristine Braten", "kbraten"), 0.22, 0.5, 1.0, (3, 6), 5.0),
    _Seller("Jonas Haugen", f"jonas.haugen@{_DOMAIN}",
            ("52917341", "jhaugen"), 0.21, 0.9, 1.0, (3, 5), 7.0),
    _Seller("Siri Dæhlie", f"siri.daehlie@{_DOMAIN}",
            ("52917342", "Siri Daehlie", "sdaehlie"), 0.20, 2.0, 1.1, (3, 5), 8.0),
    _Seller("Amir Rahimi", f"amir.rahimi@{_DOMAIN}",
            ("52917343", "arahimi"), 0.17, 3.5, 1.1, (2, 4), 9.0),
    _Seller("Erlend Mørk", f"erlend.mork@{_DOMAIN}",
            ("52917344", "Erlend Mork", "emork"), 0.20, 26.0, 1.0, (1, 3), 16.0),
)


@dataclass(frozen=True)
class _Source:
    name: str
    flow: float               # share of the continuous daily lead flow (0 for bursts)
    mql_share: float          # share of its leads that become MQLs
    accept: float             # share of reviewed MQLs that are a fit for sales
    meeting: float            # share of accepted MQLs that book a meeting
    win: float                # share of opportunities won
    amount_median: float      # deal size, NOK
    reasons: tuple[tuple[str, float], ...]


_QUICK_REASONS = ("Duplicate", "Student", "Competitor")

SOURCES = {
    "Organic search": _Source("Organic search", 0.42, 0.095, 0.72, 0.30, 0.50, 110_000,
                              (("No budget", 3), ("Wrong company size", 3), ("Student", 2),
                               ("Duplicate", 1), ("Competitor", 1))),
    "Paid search": _Source("Paid search", 0.27, 0.13, 0.68, 0.30, 0.45, 95_000,
                           (("No budget", 3), ("Wrong company size", 3), ("Student", 1),
                            ("Duplicate", 1), ("Competitor", 1))),
    "LinkedIn": _Source("LinkedIn", 0.23, 0.10, 0.55, 0.30, 0.38, 140_000,
                        (("Wrong company size", 5), ("No budget", 2), ("Duplicate", 1),
                         ("Competitor", 1))),
    "Referral": _Source("Referral", 0.08, 0.42, 0.85, 0.34, 0.60, 180_000,
                        (("No budget", 2), ("Wrong company size", 1), ("Duplicate", 1))),
    "Webinar": _Source("Webinar", 0.0, 0.24, 0.52, 0.20, 0.30, 85_000,
                       (("Student", 3), ("No budget", 3), ("Wrong company size", 2),
                        ("Competitor", 1))),
    "Events": _Source("Events", 0.0, 0.26, 0.55, 0.30, 0.38, 120_000,
                      (("Wrong company size", 3), ("No budget", 2), ("Competitor", 2),
                       ("Duplicate", 2))),
}

_LOST_REASONS = (("Chose a competitor", 4), ("No decision", 3), ("Price", 2), ("Timing", 2))
_PRODUCTS = ("Lisens", "Regnskapsmodul", "Fakturaflyt", "Innkjøpsmodul")
_STAGES = ("Kvalifisert", "Demo holdt", "Tilbud sendt", "Forhandling")

_FIRST_NAMES = (
    "Anne", "Kari", "Ingrid", "Silje", "Marte", "Ida", "Nora", "Emma", "Hanne", "Tone",
    "Ragnhild", "Solveig", "Åse", "Bjørg", "Live", "Thea", "Maja", "Synnøve", "Gro", "Hilde",
    "Agnieszka", "Aisha", "Linh", "Ole", "Lars", "Knut", "Per", "Jan", "Bjørn", "Arne",
    "Trond", "Geir", "Håkon", "Øyvind", "Sindre", "Eirik", "Magnus", "Jørgen", "Tor",
    "Sverre", "Rune", "Espen", "Kjetil", "Ståle", "Piotr", "Mohammed", "Even", "Audun",
)
_LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg", "Eide",
    "Knutsen", "Martinsen", "Bakken", "Mathisen", "Lie", "Amundsen", "Nguyen", "Ahmed",
    "Solheim", "Berge", "Nygård", "Bakke", "Holm", "Lien", "Sæther", "Aas", "Myhre",
    "Ødegård", "Haugland", "Thorsen", "Brekke", "Sætre", "Tveit", "Røed", "Løken", "Østby",
    "Kowalski",
)
_COMPANY_FIRST = (
    "Bergen", "Trondheim", "Stavanger", "Tromsø", "Bodø", "Drammen", "Kristiansand",
    "Ålesund", "Hamar", "Lillehammer", "Molde", "Haugesund", "Fjord", "Nord", "Vest", "Øst",
    "Sør", "Polar", "Nordlys", "Fjell", "Havbris", "Skog", "Elve", "Kyst", "Midnattsol", "Vik",
    "Bryggen", "Tinde", "Varde", "Smørås", "Jæren", "Lofoten",
)
_COMPANY_TRADE = (
    "Maskin", "Regnskap", "Bygg", "Logistikk", "Eiendom", "Fisk", "Energi", "Transport",
    "Elektro", "Rør", "Trelast", "Data", "Revisjon", "Handel", "Sjømat", "Rådgivning",
    "Installasjon", "Verft", "Mekaniske Verksted", "Tannklinikk", "Interiør", "Bilsenter",
)
_COMPANY_FORM = ("AS", "AS", "AS", "AS", "ASA", "& Sønner AS", "Holding AS", "Gruppen AS")
_COMPETITORS = ("Skybryter AS", "Fakturagnist AS", "Bilagsflyt Norge AS")
_SCHOOLS = (("NTNU", "stud.ntnu.no"), ("Universitetet i Bergen", "student.uib.no"),
            ("BI", "bi.no"), ("OsloMet", "oslomet.no"))

_WEBINAR_TITLES = (
    "Slik automatiserer du fakturaflyten", "Månedsavslutning på to dager",
    "E-faktura og EHF: dette må du vite før 2027", "KI i økonomiavdelingen: hva virker?",
    "Fra Excel til sanntidsrapportering", "Revisjonsklar hele året",
    "Attestering på mobilen: en praktisk gjennomgang",
)
# What marketing automation records (demo.write_engagements): Norwegian searches and assets.
_ORGANIC_KEYWORDS = ("fakturaprogram for små bedrifter", "regnskapsprogram", "ehf faktura",
                     "beste regnskapssystem", "innkjøpssystem bedrift", "elektronisk faktura",
                     "fakturering enkeltpersonforetak")
_PAID_KEYWORDS = ("regnskapsprogram pris", "fakturaprogram", "regnskapssystem for as",
                  "innkjøpsløsning", "digital bilagsføring")
_ENGAGEMENT_ASSETS = (("E-bok: Innkjøp for økonomisjefer", "https://fjordlys.example/e-bok"),
                      ("Sjekkliste: Fakturaflyt på 30 dager",
                       "https://fjordlys.example/sjekkliste"),
                      ("Prisguide 2027", "https://fjordlys.example/prisguide.pdf"),
                      ("Kundecase: Nordlys Energi", "https://fjordlys.example/kundecase"))
_WON_ASSETS = (("Prisguide 2027", "https://fjordlys.example/prisguide.pdf"),
               ("Kundecase: Nordlys Energi", "https://fjordlys.example/kundecase"),
               ("Prisguide 2027", "https://fjordlys.example/prisguide.pdf"),
               ("E-bok: Innkjøp for økonomisjefer", "https://fjordlys.example/e-bok"))
_CONVERSIONS = (("Be om demo", "https://fjordlys.example/demo"),
                ("Kontakt oss", "https://fjordlys.example/kontakt"),
                ("E-bok: Innkjøp for økonomisjefer", "https://fjordlys.example/e-bok"),
                ("Prisguide 2027", "https://fjordlys.example/prisguide.pdf"))
_ENGAGEMENT_PAGES = (("Priser", "https://fjordlys.example/priser"),
                     ("Blogg: Slik halverer du tiden på fakturering",
                      "https://fjordlys.example/blogg/fakturering"))
_EVENT_NAMES = ("Økonomidagen Stavanger", "Frokostseminar Trondheim", "Regnskapsforum Bergen")
_BLOG_TITLES = (
    "Fem tegn på at fakturaflyten din er moden for automatisering",
    "Slik leser du en kontantstrømoppstilling", "EHF-krav for private virksomheter",
    "Hva koster en manuell faktura egentlig?", "Sjekkliste for månedsavslutningen",
    "Bilagsregistrering med KI: erfaringer fra 40 kunder",
    "Merverdiavgift på tjenestekjøp fra utlandet",
    "Attesteringsflyt som revisor liker", "Slik får du økonomisjefen med på nytt system",
    "Avstemming av bank uten regneark", "Periodisering forklart på fem minutter",
    "Hvordan regnskapsbyråer skalerer uten å ansette", "Budsjettprosessen: fra 8 uker til 3",
    "Reiseregninger som fører seg selv", "Ti spørsmål å stille før du bytter ERP",
    "Likviditetsprognoser for SMB", "Leverandørreskontro uten papir",
    "Fakturasvindel: slik oppdager du den", "Digital arkivering og bokføringsloven",
    "Slik bruker du dashbord i styremøtet", "Innkjøpsordre og tre-veis matching",
    "Lønn og regnskap i samme flyt", "Økonomifunksjonen som forretningspartner",
    "Automatisk purring uten å miste kunder",
)


def build_demo(root: Path, *, seed: int = DEFAULT_SEED, today: date | None = None,
               now: datetime | None = None) -> Workspace:
    """Create a demo workspace at ``root`` filled with 12 weeks of made-up data.

    The newest exports were imported at 07:04 on ``today`` (Europe/Oslo), so a
    meeting that morning finds its data fresh. ``now`` (aware; default: the clock,
    which ``SMARKETING_NOW`` freezes) is the moment of the build: before 07:04 that
    morning's exports have not run, and the newest are the previous evening's, so
    nothing in the store is newer than the build. ``today`` defaults to the day of
    ``now``; given alone, the demo is built as of later that day. The same seed,
    the same ``today`` and the same side of 07:04 always give an identical store.
    """
    tz = zone(DEMO_TIMEZONE)
    if today is None:
        now = now or now_utc()
        today = now.astimezone(tz).date()
    built_at = None if now is None else now.astimezone(tz).replace(tzinfo=None)
    root = Path(root)
    created_root = not root.exists()
    existing = set() if created_root or not root.is_dir() else set(root.iterdir())
    workspace = init_workspace(root)
    try:
        _fill(workspace, seed, today, built_at)
    except BaseException:
        # Leave no half-built workspace behind: a second try must not be refused.
        if created_root:
            shutil.rmtree(root, ignore_errors=True)
        else:
            for path in set(root.iterdir()) - existing:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
        raise
    return workspace


def _fill(workspace: Workspace, seed: int, today: date, built_at: datetime | None) -> None:
    from smarketing_tui.store import open_store, sync_people

    holidays = norwegian_holidays(today.year - 1, today.year + 1)
    workspace.settings_path.write_text(_settings_yaml(holidays), encoding="utf-8")
    _sign_sla(workspace.sla_path)
    _add_win_rate(workspace.sla_path)
    settings = load_settings(workspace.settings_path)
    db = open_store(workspace.db_path)
    try:
        with db.atomic():
            # The store was born with the template's two example people: start clean.
            db.execute("DELETE FROM person_aliases")
            db.execute("DELETE FROM people")
        sync_people(db, settings)
        builder = _DemoBuilder(db.conn, workspace, random.Random(seed), today, holidays,
                               built_at, seed)
        with db.atomic():
            builder.build()
    finally:
        db.close()


def _sign_sla(path: Path) -> None:
    """Name the demo's heads of marketing and sales as the parties of its SLA copy."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    signed = re.sub(r"(?m)^(  marketing:) .*$", rf"\1 {MARKETERS[0].name}", text, count=1)
    signed = re.sub(r"(?m)^(  sales:) .*$", rf"\1 {SELLERS[0].name}", signed, count=1)
    if signed != text:
        path.write_text(signed, encoding="utf-8")


# The demo's sales commitment on its deals. Its sellers win about 58 % of the deals
# they close in October and 45 % in November: green, then amber.
_WIN_RATE_COMMITMENT = """
  - id: win_rate
    team: sales
    description: Sales wins at least half of the deals it closes in a month
    metric: win_rate
    period: month
    comparison: ">="
    target: "50%"
    amber: "35%"
"""


def _add_win_rate(path: Path) -> None:
    """Add the demo's win-rate commitment to the end of its SLA copy (the commitments
    list is the file's last section)."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n" + _WIN_RATE_COMMITMENT, encoding="utf-8")


def norwegian_holidays(first_year: int, last_year: int) -> list[date]:
    """Norwegian public holidays plus Christmas Eve and New Year's Eve, sorted."""
    days: list[date] = []
    for year in range(first_year, last_year + 1):
        easter = _easter_sunday(year)
        days += [
            date(year, 1, 1), easter - timedelta(days=3), easter - timedelta(days=2), easter,
            easter + timedelta(days=1), date(year, 5, 1), date(year, 5, 17),
            easter + timedelta(days=39), easter + timedelta(days=49), easter + timedelta(days=50),
            date(year, 12, 24), date(year, 12, 25), date(year, 12, 26), date(year, 12, 31),
        ]
    return sorted(set(days))


def _easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


_HOLIDAY_NAMES = {
    (1, 1): "nyttårsdag", (5, 1): "arbeidernes dag", (5, 17): "grunnlovsdag",
    (12, 24): "julaften", (12, 25): "første juledag", (12, 26): "andre juledag",
    (12, 31): "nyttårsaften",
}


def _holiday_name(day: date) -> str:
    if (day.month, day.day) in _HOLIDAY_NAMES:
        return _HOLIDAY_NAMES[(day.month, day.day)]
    offset = (day - _easter_sunday(day.year)).days
    return {-3: "skjærtorsdag", -2: "langfredag", 0: "første påskedag", 1: "andre påskedag",
            39: "Kristi himmelfartsdag", 49: "første pinsedag", 50: "andre pinsedag"}[offset]


def _settings_yaml(holidays: list[date]) -> str:
    def person(name: str, team: str, email: str, aliases: tuple[str, ...]) -> str:
        alias_text = ", ".join(json.dumps(a, ensure_ascii=False) for a in aliases)
        return (f"  - name: {name}\n    team: {team}\n    email: {email}\n"
                f"    aliases: [{alias_text}]\n")

    holiday_lines = "".join(f"    - {day.isoformat()}  # {_holiday_name(day)}\n"
                            for day in holidays)
    people = "".join(person(m.name, "marketing", m.email, m.aliases) for m in MARKETERS)
    people += "".join(person(s.name, "sales", s.email, s.aliases) for s in SELLERS)
    return (
        "# smarketing.yaml of the demo workspace (made-up company, made-up people).\n"
        "# Built by `smarketing demo`; edit freely, or build a fresh one.\n\n"
        f"name: {DEMO_COMPANY}\n"
        f"timezone: {DEMO_TIMEZONE}\n"
        f"currency: {DEMO_CURRENCY}\n"
        "week_starts: monday\n\n"
        "# When the clock runs for SLA deadlines counted in business hours.\n"
        "business_hours:\n"
        "  days: [mon, tue, wed, thu, fri]\n"
        f'  start: "{_OPEN:%H:%M}"\n'
        f'  end: "{_CLOSE:%H:%M}"\n'
        "  # Norwegian public holidays, plus Christmas Eve and New Year's Eve (office closed).\n"
        "  holidays:\n"
        f"{holiday_lines}\n"
        "action_completion_goal: 0.9\n\n"
        "# Aliases are HubSpot owner ids, Pipedrive user names and e-mails as the exports\n"
        "# spell them, so each person is one row however an export writes them.\n"
        "people:\n"
        f"{people}"
    )


# --------------------------------------------------------------------------- the builder

@dataclass
class _Lead:
    """One lead while it is being made up: local naive times, converted when written."""

    source: str
    created: datetime
    campaign: str | None = None
    name: str = ""
    company: str = ""
    email: str = ""
    mql: datetime | None = None
    seller: _Seller | None = None
    assigned: datetime | None = None
    accepted: datetime | None = None
    rejected: datetime | None = None
    rejected_reason: str | None = None
    meeting: datetime | None = None
    opportunity: datetime | None = None
    won: datetime | None = None
    lost: datetime | None = None
    lost_reason: str | None = None
    amount: float | None = None
    touches: list[tuple[datetime, str, str]] = field(default_factory=list)  # (at, type, outcome)
    stage: str = "lead"


@dataclass
class _Deal:
    """One deal of a lead, in local naive times (as :class:`_Lead`)."""

    lead: _Lead
    owner: _Seller
    name: str
    stage: str
    status: str
    created: datetime
    closed: datetime | None
    amount: float
    lost_reason: str | None = None


@dataclass
class _Campaign:
    name: str
    channel: str
    source: str
    owner: str
    starts: date
    ends: date
    spend: float


class _DemoBuilder:
    """Makes the rows of the demo store from one seeded random generator."""

    def __init__(self, conn, workspace: Workspace, rng: random.Random, today: date,
                 holidays: list[date], built_at: datetime | None = None,
                 seed: int = DEFAULT_SEED) -> None:
        self.conn = conn
        self.workspace = workspace
        self.rng = rng
        self.today = today
        self.tz = zone(DEMO_TIMEZONE)
        self.holidays = set(holidays)
        this_monday = today - timedelta(days=today.weekday())
        self.first_day = this_monday - timedelta(weeks=DEMO_WEEKS)
        # The CRM exports were taken this morning (or, built before they were done, last
        # evening): nothing in the store is newer than their cutoff.
        self.cutoff = datetime.combine(today, _MORNING_CUTOFF)
        if built_at is not None and built_at < self.cutoff + _EXPORTS_DONE:
            self.cutoff = datetime.combine(today - timedelta(days=1), _EVENING_CUTOFF)
        # The last day whose working hours had ended by the cutoff: the activity log, the
        # webinars and the events reach up to it.
        self.last_full_day = self.cutoff.date() - timedelta(
            days=0 if self.cutoff.time() >= _CLOSE else 1)
        self.busy_from = this_monday - timedelta(weeks=2)
        # Last week Erlend was on a course Monday and Tuesday, and nobody covered his queue.
        self.away_until = datetime.combine(this_monday - timedelta(days=5), _OPEN)
        self.people = {name: pid for pid, name in conn.execute("SELECT id, name FROM people")}
        self.leads: list[_Lead] = []
        self.deals: list[_Deal] = []
        # The deals come from a generator of their own, so the leads, touches and meetings
        # a seed gives stay exactly what they were before the demo had deals.
        self.deal_rng = random.Random(f"deals-{seed}")
        self.seed = seed
        self.campaigns: list[_Campaign] = []
        self.webinars: list[tuple[date, str]] = []
        self.events: list[tuple[date, str]] = []
        self.quotas: dict[tuple[str, str], float] = {}

    # ---- calendar helpers (local naive datetimes)

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def next_open(self, moment: datetime) -> datetime:
        """The moment itself if inside business hours, else the next opening."""
        while True:
            if self.is_workday(moment.date()):
                if moment.time() < _OPEN:
                    return datetime.combine(moment.date(), _OPEN)
                if moment.time() < _CLOSE:
                    return moment
            moment = datetime.combine(moment.date() + timedelta(days=1), _OPEN)

    def add_business_hours(self, start: datetime, hours: float) -> datetime:
        """``start`` plus ``hours`` of business time (skipping nights, weekends, holidays)."""
        moment = self.next_open(start)
        remaining = hours * 3600
        while True:
            available = (datetime.combine(moment.date(), _CLOSE) - moment).total_seconds()
            if remaining < available:
                return moment + timedelta(seconds=round(remaining))
            remaining -= available
            moment = self.next_open(datetime.combine(moment.date() + timedelta(days=1), _OPEN))

    def stamp(self, moment: datetime | None) -> str | None:
        """Store form (UTC) of a local naive moment."""
        return None if moment is None else local_to_store(moment, self.tz)

    def local_at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute))

    def pick(self, weighted) -> Any:
        items = [item for item, _ in weighted]
        weights = [weight for _, weight in weighted]
        return self.rng.choices(items, weights)[0]

    def lognormal_hours(self, median: float, sigma: float) -> float:
        return median * math.exp(self.rng.gauss(0, sigma))

    # ---- the whole store

    def build(self) -> None:
        self.plan_campaigns()
        self.make_leads()
        for lead in self.leads:
            self.live(lead)
        self.add_hostile_leads()
        self.make_deals()
        import_ids = self.write_imports()
        self.write_campaigns(import_ids["campaigns"])
        lead_ids = self.write_leads(import_ids)
        self.write_deals(lead_ids, import_ids["deals"])
        self.write_events(lead_ids, import_ids["events"])
        self.write_engagements(lead_ids, import_ids["leads"])
        self.write_activities(import_ids["activities"])
        self.write_meetings()

    # ---- campaigns, webinars and events

    def plan_campaigns(self) -> None:
        rng, first, today = self.rng, self.first_day, self.today
        quarter_end = date(today.year, 12, 31) if today.month > 9 else \
            date(today.year, ((today.month - 1) // 3 + 1) * 3 + 1, 1) - timedelta(days=1)
        mid = first + timedelta(weeks=6)

        def add(name, channel, source, owner, starts, ends, per_day=None, total=None):
            days = (ends - starts).days + 1
            spend = total if total is not None else per_day * days
            self.campaigns.append(_Campaign(name, channel, source, owner, starts, ends,
                                            float(round(spend, -2))))

        add("SEO og fagartikler", "Content", "Organic search", "Sofie Lien", first, quarter_end,
            per_day=650)
        add("Google Ads – Fakturaautomatisering", "Google Ads", "Paid search", "Magnus Øvrebø",
            first, quarter_end, per_day=1_700)
        add("Google Ads – Merkevare", "Google Ads", "Paid search", "Magnus Øvrebø", first,
            quarter_end, per_day=450)
        add("LinkedIn Ads – Økonomisjefer", "LinkedIn Ads", "LinkedIn", "Magnus Øvrebø", first,
            mid + timedelta(days=13), per_day=1_400)
        add("LinkedIn Lead Gen – E-faktura-guiden", "LinkedIn Ads", "LinkedIn", "Magnus Øvrebø",
            mid, quarter_end, per_day=1_100)
        add("Partnerprogram regnskapsbyråer", "Partners", "Referral", "Henrik Åsland", first,
            quarter_end, per_day=300)
        # Webinars every other Thursday, counted back from the last one before the export,
        # plus the next one, open for registration.
        last = self.last_full_day
        thursday = last - timedelta(days=(last.weekday() - 3) % 7)
        dates = [thursday - timedelta(weeks=2 * k) for k in range(6)]
        dates = sorted(d for d in dates if d >= first + timedelta(days=10))
        dates.append(dates[-1] + timedelta(weeks=2))
        for index, day in enumerate(dates):
            title = _WEBINAR_TITLES[index % len(_WEBINAR_TITLES)]
            name = f"Webinar: {title}"
            self.webinars.append((day, name))
            add(name, "Webinar", "Webinar", "Ingrid Sæther", day - timedelta(days=18), day,
                total=rng.randint(60, 140) * 100)
        # Three events, about a month apart, on Tuesdays to Thursdays.
        for index, weeks in enumerate((2, 6, 10)):
            monday = first + timedelta(weeks=weeks)
            day = monday + timedelta(days=rng.randint(1, 3))
            if day > self.last_full_day:
                continue
            name = f"{_EVENT_NAMES[index]} {day.year}"
            self.events.append((day, name))
            add(name, "Events", "Events", "Henrik Åsland", day - timedelta(days=21), day,
                total=rng.randint(35, 120) * 1000)

    def campaign_for(self, source: str, moment: datetime) -> str | None:
        running = [c for c in self.campaigns
                   if c.source == source and c.starts <= moment.date() <= c.ends]
        if not running or (source == "Organic search" and self.rng.random() < 0.35):
            return None
        if source == "Paid search":
            weights = [3 if "Fakturaautomatisering" in c.name else 1 for c in running]
            return self.rng.choices(running, weights)[0].name
        return self.rng.choice(running).name

    # ---- who the leads are and when they arrive

    def make_leads(self) -> None:
        rng = self.rng
        self.companies = self.company_pool(900)
        continuous = [(s.name, s.flow) for s in SOURCES.values() if s.flow > 0]
        total_days = (self.cutoff.date() - self.first_day).days + 1
        hour_weights = [1, 1, 1, 1, 1, 2, 4, 8, 14, 16, 16, 15, 12, 14, 15, 14, 12, 9, 8, 8,
                        8, 6, 4, 2]
        for offset in range(total_days):
            day = self.first_day + timedelta(days=offset)
            progress = offset / max(total_days - 1, 1)
            weekly = 135 + 100 * progress  # the flow rises over the quarter
            mean = weekly / 5.6 * (0.3 if day.weekday() >= 5 or day in self.holidays else 1)
            count = max(0, round(rng.gauss(mean, math.sqrt(mean))))
            for _ in range(count):
                hour = rng.choices(range(24), hour_weights)[0]
                created = self.local_at(day, hour, rng.randrange(60)) + \
                    timedelta(seconds=rng.randrange(60))
                if created > self.cutoff:
                    continue
                source = self.pick(continuous)
                self.leads.append(self.new_lead(source, created))
        for index, (day, campaign) in enumerate(self.webinars):
            for _ in range(rng.randint(40, 60) + 9 * index):  # the series catches on
                created = datetime.combine(day - timedelta(days=rng.randint(0, 17)),
                                           time(rng.randint(7, 22), rng.randrange(60)))
                if self.first_day <= created.date() and created <= self.cutoff \
                        and created < datetime.combine(day, time(10)):
                    lead = self.new_lead("Webinar", created)
                    lead.campaign = campaign
                    self.leads.append(lead)
        for index, (day, campaign) in enumerate(self.events):
            for _ in range(rng.randint(50, 70) + 20 * index):
                created = datetime.combine(day, time(rng.randint(9, 15), rng.randrange(60)))
                lead = self.new_lead("Events", created)
                lead.campaign = campaign
                self.leads.append(lead)
        self.leads.sort(key=lambda lead: lead.created)

    def company_pool(self, size: int) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < size:
            name = (f"{self.rng.choice(_COMPANY_FIRST)} {self.rng.choice(_COMPANY_TRADE)} "
                    f"{self.rng.choice(_COMPANY_FORM)}")
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def new_lead(self, source: str, created: datetime) -> _Lead:
        rng = self.rng
        first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
        company = rng.choice(self.companies)
        lead = _Lead(source=source, created=created, name=f"{first} {last}", company=company,
                     email=f"{_ascii(first)}.{_ascii(last)}@{_domain(company)}")
        if source in SOURCES and SOURCES[source].flow > 0:
            lead.campaign = self.campaign_for(source, created)
        return lead

    # ---- a lead's life: MQL, routing, touches, decision, meeting, deal

    def live(self, lead: _Lead) -> None:
        rng, profile = self.rng, SOURCES[lead.source]
        if rng.random() >= profile.mql_share:
            lead.stage = "subscriber" if rng.random() < 0.4 else "lead"
            return
        lead.mql = self.mql_moment(lead)
        if lead.mql is None or lead.mql > self.cutoff:
            lead.mql = None
            return
        lead.stage = "mql"
        busy = lead.mql.date() >= self.busy_from
        # Since the last event Erlend's territory sends him more leads than he can take.
        shares = [s.share * (1.8 if busy and s.name.startswith("Erlend") else 1) for s in SELLERS]
        seller = rng.choices(SELLERS, shares)[0]
        lead.seller = seller
        routing_minutes = rng.uniform(1, 12) if rng.random() > 0.02 else rng.uniform(180, 1500)
        lead.assigned = lead.mql + timedelta(minutes=routing_minutes)
        if lead.assigned > self.cutoff:
            lead.assigned = None
            return
        fit = self.spread(("fit", lead.source), profile.accept)
        reason = None if fit else self.pick(profile.reasons)
        if reason == "Duplicate":
            self.copy_earlier_lead(lead)
        elif reason == "Student":
            school, domain = rng.choice(_SCHOOLS)
            lead.company = school
            lead.email = f"{_ascii(lead.name.split()[0])}{rng.randint(10, 99)}@{domain}"
        elif reason == "Competitor":
            lead.company = rng.choice(_COMPETITORS)
            lead.email = f"{_ascii(lead.name.split()[0])}@{_domain(lead.company)}"
        forgotten = rng.random() < (0.08 if seller.name.startswith("Erlend") else 0.012)
        median = seller.response_median
        if busy and seller.name.startswith("Erlend"):
            median *= 2  # and his queue overflows
        waits_from = lead.assigned
        if busy and seller.name.startswith("Erlend") and \
                self.away_until - timedelta(days=4) <= lead.assigned < self.away_until:
            waits_from = self.away_until
        first_touch = self.add_business_hours(
            waits_from, self.lognormal_hours(median, seller.response_sigma))
        if reason in _QUICK_REASONS and (reason == "Duplicate" or rng.random() < 0.25):
            # Spotted on review: rejected without a touch.
            self.decide(lead, first_touch, accepted=False, reason=reason)
            return
        self.work_the_lead(lead, first_touch, fit, reason, forgotten)

    def mql_moment(self, lead: _Lead) -> datetime | None:
        rng = self.rng
        if lead.source == "Webinar":
            day = next(d for d, name in self.webinars if name == lead.campaign)
            return datetime.combine(day, time(11, 0)) + timedelta(minutes=rng.randint(30, 240))
        if lead.source == "Events":
            day = self.next_open(datetime.combine(lead.created.date() + timedelta(days=1),
                                                  time(8, 0)))
            return day + timedelta(minutes=rng.randint(30, 180))
        if rng.random() < 0.55:  # a demo request or contact form: MQL at once
            return lead.created + timedelta(seconds=rng.randint(20, 600))
        return lead.created + timedelta(hours=min(self.lognormal_hours(30, 1.2), 24 * 21))

    def copy_earlier_lead(self, lead: _Lead) -> None:
        earlier = [other for other in self.leads[-400:]
                   if other.created < lead.created and other.mql is not None]
        if earlier:
            original = self.rng.choice(earlier)
            lead.name, lead.company, lead.email = original.name, original.company, original.email

    def touch(self, lead: _Lead, at: datetime, kind: str, connect_chance: float) -> bool:
        connected = self.rng.random() < connect_chance
        lead.touches.append((at, kind, "connected" if connected else "attempted"))
        return connected

    def work_the_lead(self, lead: _Lead, first_touch: datetime, fit: bool, reason: str | None,
                      forgotten: bool) -> None:
        rng, seller = self.rng, lead.seller
        assert seller is not None
        low, high = seller.tries
        tries = rng.randint(low, high)
        if forgotten:
            tries = rng.randint(0, 2)
        at, connected_at = first_touch, None
        for attempt in range(tries):
            kind = self.pick((("call", 6), ("email", 4))) if attempt == 0 else \
                self.pick((("call", 5), ("email", 4), ("linkedin", 1)))
            if kind == "email" and attempt and rng.random() < 0.08:
                # Now and then an e-mail goes out in the evening.
                evening = datetime.combine(at.date(), time(rng.randint(16, 20), rng.randrange(60)))
                if evening > lead.touches[-1][0]:
                    at = evening
            if at > self.cutoff:
                return
            if self.touch(lead, at, kind, {"call": 0.5, "email": 0.3, "linkedin": 0.25}[kind]):
                connected_at = at
                break
            at = self.add_business_hours(at, self.lognormal_hours(seller.gap_median, 0.8))
        if forgotten:
            return  # never decided: it sits in the queue
        if connected_at is None:
            if not lead.touches:
                return
            # Unreachable: disqualified after the last attempt (too early, for some sellers).
            when = self.add_business_hours(lead.touches[-1][0], rng.uniform(2, 20))
            self.decide(lead, when, accepted=False, reason=reason or "No response")
            return
        if not fit and reason not in _QUICK_REASONS:
            # A real conversation, a follow-up or two, then a polite no.
            at = connected_at
            for _ in range(rng.choice((0, 1, 1, 2, 2))):
                at = self.add_business_hours(at, self.lognormal_hours(seller.gap_median, 0.6))
                if at > self.cutoff:
                    return
                self.touch(lead, at, self.pick((("email", 3), ("call", 2))), 0.4)
        when = self.add_business_hours(lead.touches[-1][0], rng.uniform(0.1, 3))
        self.decide(lead, when, accepted=fit, reason=reason)
        if fit and lead.accepted is not None:
            self.sales_cycle(lead)

    def spread(self, key: tuple[str, str], rate: float) -> bool:
        """A yes at ``rate``, spread evenly over the calls with the same ``key`` (a running
        quota rather than a coin per call), so that a small source such as webinars keeps
        its story (fit for sales, meetings booked) whatever the seed."""
        quota = self.quotas.get(key, 0.5) + rate
        self.quotas[key] = quota - (quota >= 1)
        return quota >= 1

    def decide(self, lead: _Lead, when: datetime, *, accepted: bool, reason: str | None) -> None:
        if when > self.cutoff:
            return
        if accepted:
            lead.accepted, lead.stage = when, "sql"
        else:
            lead.rejected, lead.rejected_reason, lead.stage = when, reason, "disqualified"

    def sales_cycle(self, lead: _Lead) -> None:
        rng, profile = self.rng, SOURCES[lead.source]
        assert lead.accepted is not None and lead.seller is not None
        if not self.spread(("meeting", lead.source), profile.meeting):
            if rng.random() < 0.35:  # went quiet: a few more tries, then closed
                at = lead.accepted
                for _ in range(rng.randint(1, 4)):
                    at = self.add_business_hours(at, self.lognormal_hours(20, 0.7))
                    if at > self.cutoff:
                        return
                    self.touch(lead, at, self.pick((("email", 3), ("call", 2))), 0.1)
                closed = self.add_business_hours(at, rng.uniform(8, 40))
                if closed <= self.cutoff:
                    lead.lost, lead.lost_reason = closed, self.pick((("No decision", 3),
                                                                     ("Timing", 2)))
                    lead.stage = "lost"
            return
        booked = self.add_business_hours(lead.accepted, rng.uniform(1, 6))
        if booked > self.cutoff:
            return
        lead.touches.append((booked, "email", "connected"))  # the invitation, accepted
        meeting = self.next_open(datetime.combine(
            booked.date() + timedelta(days=rng.randint(1, 9)),
            time(rng.choice((9, 10, 11, 13, 14)), rng.choice((0, 0, 30)))))
        if meeting > self.cutoff:
            return
        lead.meeting, lead.stage = meeting, "sql"
        lead.touches.append((meeting, "meeting", "connected"))
        if rng.random() >= 0.75:
            return
        lead.opportunity = self.add_business_hours(meeting, rng.uniform(1, 16))
        if lead.opportunity > self.cutoff:
            lead.opportunity = None
            return
        lead.stage = "opportunity"
        lead.amount = float(round(self.lognormal_hours(profile.amount_median, 0.55), -3))
        close = self.add_business_hours(lead.opportunity, self.lognormal_hours(70, 0.6))
        if close > self.cutoff:
            return
        outcome = rng.random()
        if outcome < profile.win:
            lead.won, lead.stage = close, "customer"
        elif outcome < profile.win + 0.35:
            lead.lost, lead.lost_reason, lead.stage = close, self.pick(_LOST_REASONS), "lost"

    def add_hostile_leads(self) -> None:
        """Give three of Erlend's slowest MQLs of the last two weeks made-up hostile names,
        so they show up in the speed-to-lead drill-down."""
        last_monday = self.today - timedelta(days=self.today.weekday() + 7)
        week = [lead for lead in self.leads
                if lead.mql is not None and lead.mql.date() >= last_monday - timedelta(days=7)
                and lead.seller is not None and lead.seller.name.startswith("Erlend")
                and lead.touches]
        week.sort(key=lambda lead: (lead.touches[0][0] - lead.mql, lead.created), reverse=True)
        others = [lead for lead in self.leads if lead.mql is not None and lead.touches
                  and lead not in week]
        week += others[-3:]  # hardly ever needed: Erlend always has late MQLs
        for lead, (name, company) in zip(week, (
                ("Mallory Hackersen", HOSTILE_COMPANY),
                (HOSTILE_NAME, "Testfirma AS"),
                ("Eva Ærlig", HOSTILE_HTML_COMPANY))):
            lead.name, lead.company = name, company
            lead.email = f"{_ascii(name.split()[0]).lower()}@{_domain(company)}"

    # ---- deals: the CRM's records behind each opportunity

    def make_deals(self) -> None:
        """A deal for every lead that became an opportunity, consistent with the lead: the
        main deal was created at opportunity_at and closed when the lead was won or lost,
        for the lead's amount, so every lead-level number stays as it was. Its owner is
        mostly the lead's seller, else another seller (an account executive taking it
        over). Some leads have a second deal: a pilot lost before the win, an add-on
        after it (won or still open), or an earlier attempt lost before the last."""
        rng = self.deal_rng
        for lead in self.leads:
            if lead.opportunity is None or lead.seller is None:
                continue
            owner = lead.seller if rng.random() < 0.7 else rng.choice(
                [s for s in SELLERS if s is not lead.seller])
            product = rng.choice(_PRODUCTS)
            if lead.won is not None:
                status, closed = "won", lead.won
            elif lead.lost is not None:
                status, closed = "lost", lead.lost
            else:
                status, closed = "open", None
            main = _Deal(lead, owner, f"{lead.company} - {product}",
                         {"won": "Vunnet", "lost": "Tapt"}.get(status, rng.choice(_STAGES)),
                         status, lead.opportunity, closed, lead.amount or 0.0,
                         lead.lost_reason if status == "lost" else None)
            second = self.second_deal(main, rng)
            self.deals.extend(d for d in (main, second) if d is not None)
        self.deals.sort(key=lambda d: d.created)

    def second_deal(self, main: _Deal, rng: random.Random) -> _Deal | None:
        lead, chance = main.lead, rng.random()
        other = rng.choice([p for p in _PRODUCTS if p not in main.name])
        amount = float(round(main.amount * rng.uniform(0.2, 0.6), -3)) or 10_000.0
        if main.status in ("won", "lost") and chance < 0.3:
            # An earlier try that was lost before the main deal closed.
            span = (main.closed - main.created).total_seconds()
            created = main.created + timedelta(seconds=span * rng.uniform(0.05, 0.3))
            closed = main.created + timedelta(seconds=span * rng.uniform(0.4, 0.9))
            return _Deal(lead, main.owner, f"{lead.company} - Pilot", "Tapt", "lost", created,
                         closed, amount,
                         rng.choices(*zip(*_LOST_REASONS))[0])
        if main.status == "won" and chance < 0.7:
            # An add-on after the win: won by now, or still open.
            created = self.add_business_hours(main.closed, rng.uniform(8, 120))
            closed = self.add_business_hours(created, 40 * math.exp(rng.gauss(0, 0.5)))
            if created > self.cutoff:
                return None
            if closed <= self.cutoff and rng.random() < 0.6:
                return _Deal(lead, rng.choice(SELLERS), f"{lead.company} - {other}", "Vunnet",
                             "won", created, closed, amount)
            return _Deal(lead, main.owner, f"{lead.company} - {other}", rng.choice(_STAGES),
                         "open", created, None, amount)
        return None

    # ---- writing rows

    def write_imports(self) -> dict[str, int]:
        day = self.cutoff.date()
        newest_lead = max(self.lead_moments())
        newest_touch = max(at for lead in self.leads for at, *_ in lead.touches)
        newest_deal = max((m for deal in self.deals for m in (deal.created, deal.closed)
                           if m is not None), default=self.cutoff)
        week = iso_week_label(self.last_full_day).replace("-", "")
        done = self.cutoff + _EXPORTS_DONE
        earlier = {}
        for weeks_back, meeting_day in zip((2, 1), self.meeting_days()):
            # The import routine ran on the morning of each earlier meeting, as it did today.
            cutoff = self.cutoff - timedelta(days=(self.today - meeting_day).days)
            known = [lead for lead in self.leads if lead.created <= cutoff]
            newest = max(m for m in self.lead_moments(known) if m <= cutoff)
            earlier[weeks_back] = (
                f"leads-{weeks_back}", "leads", f"hubspot-contacts-{cutoff.date().isoformat()}.csv",
                "hubspot", None, "HubSpot export", cutoff + _EXPORTS_DONE, len(known), newest)
        rows = [
            # (key, kind, file, preset, mapping, label, finished local, rows, newest local)
            earlier[2],
            earlier[1],
            ("campaigns", "campaigns",
             f"kampanjer-{day.year}-q{(day.month - 1) // 3 + 1}.csv", None, "mappings/campaigns.yaml",
             "Campaign budget sheet", done - timedelta(minutes=26), len(self.campaigns), None),
            ("activities", "activities", f"aktiviteter-{week}.csv", None,
             "mappings/activities.yaml", "Team activity log", done - timedelta(minutes=24), 0,
             None),
            ("deals", "deals", f"pipedrive-deals-{day.isoformat()}.csv", "pipedrive", None,
             "Pipedrive export", done - timedelta(minutes=12), 0, newest_deal),
            ("events", "events", f"hubspot-engagements-{day.isoformat()}.csv", "hubspot", None,
             "HubSpot export", done - timedelta(minutes=3), 0, newest_touch),
            ("leads", "leads", f"hubspot-contacts-{day.isoformat()}.csv", "hubspot", None,
             "HubSpot export", done, len(self.leads), newest_lead),
        ]
        deals = len(self.deals)
        events = sum(len(lead.touches) for lead in self.leads)
        ids: dict[str, int] = {}
        previous_export: datetime | None = None
        for index, (key, kind, file, preset, mapping, label, finished, count, newest) in \
                enumerate(rows, start=1):
            count = {"deals": deals, "events": events}.get(key, count)
            started = finished - timedelta(seconds=3 + count // 400)
            inserted, updated, unchanged = count, 0, 0
            if kind == "leads":
                deals_file = key == "deals"
                # Counted as of the moment the CRM was read, not when the import finished.
                read_at = self.cutoff if deals_file else finished - _EXPORTS_DONE
                inserted, updated, unchanged = self.upsert_counts(
                    read_at, None if deals_file else previous_export, deals_only=deals_file)
                if not deals_file:
                    previous_export = read_at
            self.conn.execute(
                "INSERT INTO imports (id, kind, file, preset, mapping, source_label, started_at, "
                "finished_at, rows, inserted, updated, unchanged, skipped, newest_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)",
                (index, kind, file, preset, mapping, label, self.stamp(started),
                 self.stamp(finished), count, inserted, updated, unchanged, self.stamp(newest)))
            ids[key] = index
        # What the earlier meetings saw as their newest import: (finished, file, newest).
        self.earlier_exports = [(row[6], row[2], row[8]) for row in (earlier[2], earlier[1])]
        return ids

    def upsert_counts(self, export: datetime, previous: datetime | None, *,
                      deals_only: bool = False) -> tuple[int, int, int]:
        """(inserted, updated, unchanged) of a lead export taken at ``export`` after one at
        ``previous``: new leads, leads changed since, and the rest."""
        inserted = updated = unchanged = 0
        for lead in self.leads:
            if lead.created > export or (deals_only and lead.opportunity is None):
                continue
            if deals_only:
                updated += 1  # deals update the leads the HubSpot export created
            elif previous is None or lead.created > previous:
                inserted += 1
            elif any(previous < m <= export for m in self.lead_moments([lead])):
                updated += 1
            else:
                unchanged += 1
        return inserted, updated, unchanged

    def lead_moments(self, leads: list[_Lead] | None = None):
        for lead in self.leads if leads is None else leads:
            for moment in (lead.created, lead.mql, lead.assigned, lead.accepted, lead.rejected,
                           lead.meeting, lead.opportunity, lead.won, lead.lost):
                if moment is not None:
                    yield moment

    def write_campaigns(self, import_id: int) -> None:
        self.conn.executemany(
            "INSERT INTO campaigns (name, channel, source, owner, owner_id, starts, ends, spend, "
            "currency, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(c.name, c.channel, c.source, c.owner, self.people[c.owner], c.starts.isoformat(),
              c.ends.isoformat(), c.spend, DEMO_CURRENCY, import_id) for c in self.campaigns])

    def write_leads(self, import_ids: dict[str, int]) -> list[int]:
        rows, ids = [], []
        external = 48_120_000
        for lead_id, lead in enumerate(self.leads, start=1):
            external += self.rng.randint(1, 40)
            first_contact = min((at for at, *_ in lead.touches), default=None)
            stamps = [self.stamp(m) for m in (lead.created, lead.mql, lead.assigned, lead.accepted,
                                              lead.rejected, first_contact, lead.meeting,
                                              lead.opportunity, lead.won, lead.lost)]
            seller = lead.seller
            rows.append((
                lead_id, str(external), lead.name, lead.company, lead.email, lead.source,
                lead.campaign, lead.stage, seller.name if seller else None,
                self.people[seller.name] if seller else None, *stamps[:5], lead.rejected_reason,
                *stamps[5:], lead.lost_reason, lead.amount,
                DEMO_CURRENCY if lead.amount is not None else None,
                import_ids["deals"] if lead.opportunity else import_ids["leads"],
                self.stamp(max(m for m in (lead.created, lead.mql, lead.assigned, lead.accepted,
                                           lead.rejected, lead.meeting, lead.opportunity,
                                           lead.won, lead.lost, first_contact) if m))))
            ids.append(lead_id)
        self.conn.executemany(
            "INSERT INTO leads (id, external_id, name, company, email, source, campaign, stage, "
            "owner, owner_id, created_at, mql_at, assigned_at, accepted_at, rejected_at, "
            "rejected_reason, first_contact_at, meeting_at, opportunity_at, won_at, lost_at, "
            "lost_reason, amount, currency, import_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows)
        return ids

    def write_deals(self, lead_ids: list[int], import_id: int) -> None:
        ids = {id(lead): lead_id for lead_id, lead in zip(lead_ids, self.leads)}
        rows = []
        for number, deal in enumerate(self.deals, start=1):
            lead = deal.lead
            rows.append((
                str(7100 + number), ids[id(lead)], lead.email, deal.name, deal.owner.name,
                self.people[deal.owner.name], "Nysalg", deal.stage, deal.status,
                self.stamp(deal.created), self.stamp(deal.closed), deal.amount, DEMO_CURRENCY,
                deal.lost_reason, lead.source, lead.campaign, import_id,
                self.stamp(deal.closed or deal.created)))
        self.conn.executemany(
            "INSERT INTO deals (external_id, lead_id, lead_ref, name, owner, owner_id, pipeline, "
            "stage, status, created_at, closed_at, amount, currency, lost_reason, source, "
            "campaign, import_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def write_events(self, lead_ids: list[int], import_id: int) -> None:
        rows, engagement = [], 9_310_000
        for lead_id, lead in zip(lead_ids, self.leads):
            seller = lead.seller
            for at, kind, outcome in sorted(lead.touches):
                engagement += self.rng.randint(1, 9)
                rows.append((str(engagement), lead_id, kind, outcome, self.stamp(at),
                             seller.name, self.people[seller.name], import_id))
        self.conn.executemany(
            "INSERT INTO lead_events (external_id, lead_id, type, outcome, at, person, person_id, "
            "import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def write_engagements(self, lead_ids: list[int], import_id: int) -> None:
        """What marketing automation saw of each lead: the search, ad or page that brought
        it, content read and downloaded before it became an MQL (customers-to-be lean to
        the price guide and the customer case), the conversion itself, and for open leads
        what they did lately. From a generator of its own, so every other number a seed
        gives stays what it was before the demo had engagements."""
        rng = random.Random(f"engagements-{self.seed}")
        webinar_days = {name: day for day, name in self.webinars}
        rows: list[tuple] = []
        last = self.cutoff - timedelta(minutes=30)

        def add(lead_id, kind, at, asset=None, url=None, channel=None, campaign=None,
                keyword=None, click=None, quantity=1):
            if at <= last:
                rows.append((f"ma-{len(rows) + 1:06d}", lead_id, kind, self.stamp(at), asset, url,
                             channel, campaign, keyword, click, quantity, import_id))

        for lead_id, lead in zip(lead_ids, self.leads):
            first = lead.created - timedelta(minutes=rng.randint(3, 60 * 24 * 5))
            if lead.source == "Organic search":
                add(lead_id, "page_view", first, _ENGAGEMENT_PAGES[1][0], _ENGAGEMENT_PAGES[1][1],
                    "Organic Search / Google", keyword=rng.choice(_ORGANIC_KEYWORDS))
            elif lead.source == "Paid search":
                add(lead_id, "ad_click", first, channel="Google Ads", campaign=lead.campaign,
                    keyword=rng.choice(_PAID_KEYWORDS), click=f"Cj0KCQiA{rng.getrandbits(40):x}")
            elif lead.source == "LinkedIn":
                add(lead_id, "ad_click", first, "Annonse: Økonomisjefens innkjøpsguide",
                    channel="LinkedIn", campaign=lead.campaign)
            elif lead.source == "Referral":
                add(lead_id, "page_view", first, "Partnerside", "https://fjordlys.example/partner",
                    "Referral / regnskapsforum.no")
            elif lead.source == "Webinar" and lead.campaign:
                add(lead_id, "webinar_registered", lead.created, lead.campaign,
                    channel="Webinar", campaign=lead.campaign)
                day = webinar_days.get(lead.campaign)
                if day is not None and rng.random() < 0.6:
                    add(lead_id, "webinar_attended", datetime.combine(day, time(10, 0)),
                        lead.campaign, channel="Zoom", campaign=lead.campaign)
            else:
                add(lead_id, "form", lead.created, "Messe: Skjema på standen", channel="Event",
                    campaign=lead.campaign)
            until = lead.mql or lead.created + timedelta(days=30)
            span = max((until - first).total_seconds(), 60)
            assets = _WON_ASSETS if lead.won else _ENGAGEMENT_ASSETS
            for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
                at = first + timedelta(seconds=rng.uniform(0, span))
                name, url = rng.choice(assets)
                add(lead_id, "download", at, name, url, "Nettsted", lead.campaign)
            if rng.random() < 0.5:
                add(lead_id, "email_open", first + timedelta(seconds=rng.uniform(0, span)),
                    "Nyhetsbrev: Fakturatips", channel="E-post")
            if lead.mql is not None:
                name, url = rng.choice(_WON_ASSETS if lead.won and rng.random() < 0.6
                                       else _CONVERSIONS)
                add(lead_id, "form", lead.mql - timedelta(minutes=rng.randint(1, 20)), name, url,
                    "Nettsted", lead.campaign)
                views = rng.randint(2, 25)
                add(lead_id, "page_view", lead.mql + timedelta(hours=rng.uniform(1, 200)),
                    url=_ENGAGEMENT_PAGES[0][1], channel="Nettsted", quantity=views)
            if lead.mql is not None and lead.won is None and lead.lost is None:
                for _ in range(rng.choice((0, 0, 0, 0, 1, 1, 2, 3))):  # lately: a few warm up
                    at = last - timedelta(hours=rng.uniform(2, 24 * 30))
                    kind = rng.choice(("page_view", "page_view", "download", "email_click",
                                       "email_open", "email_open", "webinar_registered"))
                    if kind.startswith("email"):
                        add(lead_id, kind, at, "Nyhetsbrev: Fakturatips", channel="E-post")
                        continue
                    name, url = rng.choice(_ENGAGEMENT_PAGES if kind == "page_view"
                                           else _ENGAGEMENT_ASSETS)
                    add(lead_id, kind, at, name, url, "Nettsted")
        self.conn.executemany(
            "INSERT INTO engagements (external_id, lead_id, kind, at, asset, url, channel, "
            "campaign, keyword, click_id, quantity, import_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def write_activities(self, import_id: int) -> None:
        rng, rows = self.rng, []

        def add(team, person, day, kind, title, quantity=1):
            if day <= self.last_full_day:
                rows.append((f"act-{len(rows) + 1:04d}", team, person, self.people[person],
                             day.isoformat(), kind, title, quantity, import_id))

        for day, name in self.webinars:
            registrations = sum(1 for lead in self.leads if lead.campaign == name)
            add("marketing", "Ingrid Sæther", day, "webinar", name.removeprefix("Webinar: "),
                registrations)
        for day, name in self.events:
            add("marketing", "Henrik Åsland", day, "event", name)
            add("sales", "Kristine Bråten", day, "event", name)
            add("sales", "Amir Rahimi", day, "event", name)
        blog = 0
        for week in range(DEMO_WEEKS + 1):
            monday = self.first_day + timedelta(weeks=week)
            for author in ("Sofie Lien", "Magnus Øvrebø"):
                if author == "Magnus Øvrebø" and week % 2:
                    continue
                add("marketing", author, monday + timedelta(days=rng.randint(0, 4)), "blog_post",
                    _BLOG_TITLES[blog % len(_BLOG_TITLES)])
                blog += 1
            if week % 2 == 0:
                add("marketing", "Sofie Lien", monday + timedelta(days=3), "newsletter",
                    f"Nyhetsbrev uke {(monday + timedelta(days=3)).isocalendar()[1]}")
            add("marketing", "Magnus Øvrebø", monday + timedelta(days=4), "social_posts",
                "LinkedIn-innlegg", rng.randint(3, 7))
            for seller in SELLERS:
                slow = seller.name.startswith("Erlend")
                for _ in range(rng.randint(1, 2) if slow else rng.randint(2, 3)):
                    add("sales", seller.name, monday + timedelta(days=rng.randint(0, 4)), "calls",
                        "Ringeblokk: eksisterende kunder og varme leads", rng.randint(18, 45))
                add("sales", seller.name, monday + timedelta(days=rng.randint(0, 4)),
                    "linkedin_outreach", "Oppfølging på LinkedIn", rng.randint(5, 25))
        self.conn.executemany(
            "INSERT INTO activities (external_id, team, person, person_id, date, kind, title, "
            "quantity, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.conn.execute("UPDATE imports SET rows = ?, inserted = ? WHERE id = ?",
                          (len(rows), len(rows), import_id))

    # ---- meetings, issues, action items, talking points

    def weekly_agenda(self):
        """The workspace's weekly agenda, as the meeting screen loads it."""
        from smarketing_tui.agenda import load_agenda

        return load_agenda(self.workspace.agenda_path("weekly"), load_settings(
            self.workspace.settings_path))

    def scorecard_seen(self, review_monday: date, as_of: datetime, export: tuple) -> dict:
        """The scorecard a past meeting saw: the reviewed week judged as of ``as_of``, with the
        newest import of that day."""
        from smarketing_tui.periods import week_of
        from smarketing_tui.scorecard import build_scorecard
        from smarketing_tui.sla import load_sla

        settings = load_settings(self.workspace.settings_path)
        sla = load_sla(self.workspace.sla_path, settings)
        moment = as_of.replace(tzinfo=self.tz).astimezone(UTC)
        card = build_scorecard(self.conn, sla, settings, week_of(review_monday, DEMO_TIMEZONE),
                               moment).to_json()
        card["generated_at"] = self.stamp(as_of)  # not the moment the demo was built
        finished, file, newest = export
        card["freshness"]["newest_import"] = {
            "source_label": "HubSpot export", "file": file, "finished_at": self.stamp(finished),
            "newest_at": self.stamp(newest)}
        card["freshness"]["age_days"] = round((as_of - newest).total_seconds() / 86400, 2)
        week_end = datetime.combine(review_monday + timedelta(days=7), time(0))
        card["freshness"]["stale"] = newest < min(week_end, as_of) - timedelta(days=1)
        return card

    def meeting_days(self) -> tuple[date, date]:
        """The days of the two earlier weekly meetings: a week and two weeks ago (or the
        workday before, when that was a holiday)."""
        last_day = self.today - timedelta(days=7)
        while not self.is_workday(last_day):
            last_day -= timedelta(days=1)
        first_day = last_day - timedelta(days=7)
        while not self.is_workday(first_day):
            first_day -= timedelta(days=1)
        return first_day, last_day

    def write_meetings(self) -> None:
        rng, conn, person = self.rng, self.conn, self.people
        from smarketing_tui.meeting import agenda_ref

        agenda = self.weekly_agenda()
        sections = [{"title": s.title, "type": s.type, "team": s.team,
                     "seconds": s.timebox_seconds} for s in agenda.sections]
        meeting_ids = []
        for meeting_id, day in enumerate(self.meeting_days(), start=1):
            start = self.local_at(day, 9, 0) + timedelta(minutes=rng.randint(0, 4))
            review_monday = day - timedelta(days=day.weekday() + 7)
            used = [max(60.0, s["seconds"] * rng.uniform(0.7, 1.35)) for s in sections]
            end = start + timedelta(seconds=sum(used) + rng.randint(30, 120))
            conn.execute(
                "INSERT INTO meetings (id, agenda_path, title, cadence, period_label, "
                "period_start, period_end, planned_minutes, status, current_section, created_at, started_at, "
                "ended_at, facilitator, scorecard_snapshot, agenda_snapshot) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ended', ?, ?, ?, ?, ?, NULL, ?)",
                (meeting_id, agenda_ref(self.workspace, agenda), agenda.title, agenda.cadence,
                 iso_week_label(review_monday),
                 self.stamp(datetime.combine(review_monday, time(0))),
                 self.stamp(datetime.combine(review_monday + timedelta(days=7), time(0))),
                 agenda.planned_minutes, len(sections) - 1,
                 self.stamp(start - timedelta(minutes=2)), self.stamp(start), self.stamp(end),
                 "Ingrid Sæther", agenda.snapshot()))
            conn.executemany(
                "INSERT INTO meeting_sections (meeting_id, position, title, type, timebox_seconds, "
                "used_seconds) VALUES (?, ?, ?, ?, ?, ?)",
                [(meeting_id, pos, s["title"], s["type"], s["seconds"], round(u, 1))
                 for pos, (s, u) in enumerate(zip(sections, used))])
            card = self.scorecard_seen(review_monday, start + timedelta(minutes=20),
                                       self.earlier_exports[meeting_id - 1])
            conn.execute("UPDATE meetings SET scorecard_snapshot = ? WHERE id = ?",
                         (json.dumps(card, ensure_ascii=False), meeting_id))
            absent = "Amir Rahimi" if meeting_id == 2 else "Henrik Åsland"
            checkins = ["Busy week, good energy", "Back from the event, lots of follow-ups",
                        "Fine, a bit behind on the queue", "Ready", "Good week",
                        "Tired but happy", "Looking forward to Friday", "All good", "Focused"]
            conn.executemany(
                "INSERT INTO attendance (meeting_id, person_id, present, rating, checkin, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                [(meeting_id, person[name], int(name != absent),
                  None if name == absent else rng.randint(6, 9),
                  None if name == absent else checkins[index], self.stamp(end))
                 for index, name in enumerate(
                     [m.name for m in MARKETERS] + [s.name for s in SELLERS])])
            staff = load_settings(self.workspace.settings_path).people
            seating.write_groups(conn, meeting_id, seating.seat_week(
                staff, day, [p for p in staff if p.name == absent]))
            meeting_ids.append((meeting_id, start, end, card))
        self.write_issues_and_actions(meeting_ids, sections)

    def write_issues_and_actions(self, meetings, sections) -> None:
        conn, person = self.conn, self.people
        (m1, start1, end1, _), (m2, start2, end2, card) = meetings

        def section(kind: str, team: str | None = None) -> tuple[int | None, str | None]:
            for pos, s in enumerate(sections):
                if s["type"] == kind and (team is None or s.get("team") == team):
                    return pos, s["title"]
            return None, None

        issues_pos, issues_title = section("issues")
        score_pos, score_title = section("scorecard")
        wrap_pos, wrap_title = section("wrapup")
        review_pos, review_title = section("action_review")
        sales_pos, sales_title = section("activity", "sales")
        lines = card["commitments"]
        speed = next((line for line in lines if line["metric"] == "first_contact_within"), None)
        # Last week's meeting raised the reddest line (longest red streak) as an issue.
        red = sorted((line for line in lines if line["status"] in ("red", "amber")),
                     key=lambda line: (line["status"] != "red", -(line.get("red_streak") or 0),
                                       line is not speed))
        raised = red[0] if red else (speed or lines[0])
        title, detail, evidence = issue_from_line(raised, card["period"]["label"])
        speed_context = json.dumps(issue_from_line(speed, card["period"]["label"])[2],
                                   ensure_ascii=False) if speed else None
        missed = int((speed or {}).get("counts", {}).get("missed") or 0)
        call_back = (f"Call back the {missed} MQLs from {card['period']['label']} that missed the "
                     "24-hour window" if missed else "Go through the MQL queue with Jonas "
                     "every morning this week")
        yesterday = self.today - timedelta(days=1)
        raised_from_cli = self.last_full_day  # the last workday the store covers
        while not self.is_workday(raised_from_cli):
            raised_from_cli -= timedelta(days=1)
        issues = [
            # id, title, detail, team, raised_by, raised_at, meeting, origin, evidence,
            # status, rank, solved_at, solved_in, resolution
            (1, "Webinar leads convert at half the rate of search leads",
             "Sales: webinar MQLs rarely book meetings; marketing: they are early in the journey. "
             "Look at the funnel by source before deciding.", "marketing", person["Jonas Haugen"],
             self.stamp(start1 + timedelta(minutes=30)), m1, "meeting", None, "open", 2,
             None, None, None),
            (2, "Webinar attendee lists reach sales three days late",
             "Leads from a webinar are cold by the time sales calls.", "marketing",
             person["Kristine Bråten"], self.stamp(start1 + timedelta(minutes=33)), m1, "meeting",
             None, "solved", None, self.stamp(start2 + timedelta(minutes=31)), m2,
             "Attendee lists go to sales within 24 hours of each webinar."),
            (3, title, detail, raised.get("team"), person["Ingrid Sæther"],
             self.stamp(start2 + timedelta(minutes=24)), m2, "scorecard",
             json.dumps(evidence, ensure_ascii=False), "open", 1, None, None, None),
            (4, "LinkedIn lead forms lack company size, so sales rejects them as "
                "'Wrong company size'", None, "marketing", person["Kristine Bråten"],
             self.stamp(datetime.combine(yesterday, time(15, 20))), None, "prep", None, "open",
             None, None, None, None),
            (5, "Duplicates between HubSpot and Pipedrive after the sync change",
             "Same person, two external ids; see 'Duplicate' rejections.", "sales",
             person["Amir Rahimi"], self.stamp(datetime.combine(raised_from_cli, time(10, 5))),
             None, "cli", None, "open", None, None, None, None),
        ]
        conn.executemany(
            "INSERT INTO issues (id, title, detail, team, raised_by, raised_at, raised_in_meeting, "
            "origin, evidence, status, rank, solved_at, solved_in_meeting, resolution) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", issues)
        decisions = [
            (1, m1, issues_pos, issues_title,
             "'No budget' rejections need a note naming who owns the budget", None, None,
             self.stamp(start1 + timedelta(minutes=36))),
            (2, m1, issues_pos, issues_title,
             "Every LinkedIn lead carries its campaign name from now on", None, None,
             self.stamp(start1 + timedelta(minutes=39))),
            (3, m2, issues_pos, issues_title,
             "Attendee lists go to sales within 24 hours of each webinar", 2, None,
             self.stamp(start2 + timedelta(minutes=31))),
            (4, m2, score_pos, score_title,
             "Sales reviews the MQL queue every morning at 09:00; marketing ops builds "
             "re-routing of MQLs untouched after 8 business hours", None,
             speed_context, self.stamp(start2 + timedelta(minutes=27))),
            (5, m2, issues_pos, issues_title,
             "Keep the MQL threshold at 60 points; revisit at the monthly review", None, None,
             self.stamp(start2 + timedelta(minutes=38))),
        ]
        conn.executemany(
            "INSERT INTO decisions (id, meeting_id, section_position, section_title, text, "
            "issue_id, context, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", decisions)
        d1, d2 = start1.date(), start2.date()

        def due(day: date, days: int) -> str:
            return (day + timedelta(days=days)).isoformat()

        actions = [
            # id, meeting, section pos/title, text, owner, due, original_due, status, carried,
            # issue, decision, created_at, done_at, dropped_at, comment
            (1, m1, issues_pos, issues_title, "Write the one-page definition of a sales-accepted "
             "lead, with examples", "Kristine Bråten", due(d1, 7), due(d1, 7), "open", 1, None,
             None, self.stamp(start1 + timedelta(minutes=40)), None, None,
             "Carried over: first draft half done"),
            (2, m1, issues_pos, issues_title, "Tag all LinkedIn leads with their campaign in "
             "HubSpot", "Magnus Øvrebø", due(d1, 7), due(d1, 7), "done", 0, None, 2,
             self.stamp(start1 + timedelta(minutes=40)),
             self.stamp(datetime.combine(d1 + timedelta(days=2), time(13, 10))), None, None),
            (3, m1, issues_pos, issues_title, "Compare webinar and search funnels for the "
             "monthly review", "Sofie Lien", due(d1, 7), due(d1, 7), "dropped", 0, 1, None,
             self.stamp(start1 + timedelta(minutes=41)), None,
             self.stamp(start2 + timedelta(minutes=6)), "The scorecard's funnel section shows it"),
            (4, m2, score_pos, score_title, "Build re-routing of MQLs untouched after 8 business "
             "hours", "Magnus Øvrebø", due(d2, 7), due(d2, 7), "open", 0, 3, 4,
             self.stamp(start2 + timedelta(minutes=28)), None, None, None),
            (5, m2, score_pos, score_title, call_back, "Erlend Mørk", due(d2, 3),
             due(d2, 3), "open", 0, 3, 4, self.stamp(start2 + timedelta(minutes=29)), None, None,
             None),
            (6, m2, issues_pos, issues_title, "Send webinar attendee lists to sales the day after "
             "each webinar", "Ingrid Sæther", due(d2, 7), due(d2, 7), "done", 0, 2, 3,
             self.stamp(start2 + timedelta(minutes=32)),
             self.stamp(datetime.combine(d2 + timedelta(days=2), time(10, 45))), None, None),
            (7, m2, sales_pos, sales_title, "Add company size as a required field on the "
             "LinkedIn lead form", "Sofie Lien", due(d2, 5), due(d2, 5), "done", 0, None, None,
             self.stamp(start2 + timedelta(minutes=20)),
             self.stamp(datetime.combine(d2 + timedelta(days=3), time(9, 30))), None, None),
            (8, m2, wrap_pos, wrap_title, "Draft the Q1 event plan with input from sales",
             "Henrik Åsland", due(d2, 14), due(d2, 14), "open", 0, None, None,
             self.stamp(start2 + timedelta(minutes=43)), None, None, None),
        ]
        conn.executemany(
            "INSERT INTO action_items (id, meeting_id, section_position, section_title, text, "
            "owner_id, owner, due, original_due, status, carried_over, issue_id, decision_id, "
            "created_at, done_at, dropped_at, comment) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(a[0], a[1], a[2], a[3], a[4], person[a[5]], a[5], *a[6:]) for a in actions])
        # Item 1 was carried over in the last meeting to a new due date.
        conn.execute("UPDATE action_items SET due = ? WHERE id = 1", (due(d2, 7),))
        updates = [
            (1, m2, "carried", self.stamp(start2 + timedelta(minutes=5)),
             person["Kristine Bråten"], due(d1, 7), due(d2, 7), "First draft half done"),
            (2, None, "done", actions[1][13], person["Magnus Øvrebø"], None, None, None),
            (3, m2, "dropped", actions[2][14], person["Ingrid Sæther"], None, None,
             "The scorecard's funnel section shows it"),
            (6, None, "done", actions[5][13], person["Ingrid Sæther"], None, None,
             "Sent for the last webinar"),
            (7, None, "done", actions[6][13], person["Sofie Lien"], None, None, None),
        ]
        conn.executemany(
            "INSERT INTO action_item_updates (action_item_id, meeting_id, kind, at, by_person, "
            "old_due, new_due, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", updates)
        notes = [
            (m1, sales_pos, sales_title, "Events week: 40+ badge scans still waiting for a first "
             "call.", self.stamp(start1 + timedelta(minutes=18))),
            (m2, review_pos, review_title, "Jonas will pair with Erlend on the queue this week.",
             self.stamp(start2 + timedelta(minutes=7))),
            (m2, score_pos, score_title, HOSTILE_NOTE, self.stamp(start2 + timedelta(minutes=26))),
            (m2, wrap_pos, wrap_title, "Good meeting: on time, two issues moved.",
             self.stamp(end2 - timedelta(minutes=1))),
        ]
        conn.executemany(
            "INSERT INTO notes (meeting_id, section_position, section_title, text, created_at) "
            "VALUES (?, ?, ?, ?, ?)", notes)
        talking_points = [
            ("scorecard", score_title, "My queue waited while I was on the course Monday and "
             "Tuesday: can re-routing start after 8 business hours, not 24?",
             person["Erlend Mørk"], "first_contact_within", None,
             datetime.combine(yesterday, time(16, 2))),
            ("activity", section("activity", "marketing")[1], "New e-invoicing guide on LinkedIn: "
             "are its leads any good? | size | accepted | (see *funnel* by source) #linkedin",
             person["Sofie Lien"], None, None, datetime.combine(yesterday, time(13, 45))),
            ("issues", issues_title, "Webinar leads: try two weeks of nurture before they reach "
             "sales?", person["Jonas Haugen"], None, 1,
             datetime.combine(yesterday, time(11, 20))),
        ]
        conn.executemany(
            "INSERT INTO talking_points (agenda, section_type, section_title, text, author_id, "
            "metric, issue_id, created_at) VALUES ('weekly.yaml', ?, ?, ?, ?, ?, ?, ?)",
            [(*tp[:6], self.stamp(tp[6])) for tp in talking_points])
        definition = self.lead_definition()
        if definition:
            conn.execute("INSERT INTO lead_definitions (text, first_seen_at) VALUES (?, ?)",
                         (definition, self.stamp(start1)))

    def lead_definition(self) -> str | None:
        import yaml

        try:
            data = yaml.safe_load(self.workspace.sla_path.read_text(encoding="utf-8"))
            text = data.get("lead_definition")
            return str(text).strip() if text else None
        except (OSError, yaml.YAMLError, AttributeError):
            return None


def local_to_store(moment: datetime, tz) -> str:
    """Store form (UTC) of a naive wall-clock time in ``tz``, keeping order across DST:
    a wall time the spring change skips counts as the moment the clocks jumped to."""
    utc = moment.replace(tzinfo=tz).astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != moment:
        moment = moment.replace(minute=0, second=0) + timedelta(hours=1)
        utc = moment.replace(tzinfo=tz).astimezone(UTC)
    return utc.strftime(STORE_FORMAT)


_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


def _ascii(text: str) -> str:
    return "".join(ch for ch in text.translate(_ASCII).lower() if ch.isalnum())


def _domain(company: str) -> str:
    words = [w for w in company.replace("&", " ").split()
             if w not in ("AS", "ASA", "Holding", "Gruppen", "Sønner")]
    return f"{_ascii(''.join(words))}.no"


# --------------------------------------------------------------------------- summary

@dataclass(frozen=True)
class DemoSummary:
    """What a demo store holds, for the command's closing lines."""

    company: str
    people: int
    marketers: int
    sellers: int
    leads: int
    mqls: int
    events: int
    campaigns: int
    activities: int
    first_week: str
    last_week: str
    first_day: date
    last_day: date
    open_issues: int
    open_actions: int
    meetings: int
    export_label: str
    export_finished_at: str


def summarize(workspace: Workspace) -> DemoSummary:
    """Count what the workspace's store holds (works on any workspace)."""
    from smarketing_tui.store import open_readonly

    settings = load_settings(workspace.root / SETTINGS_FILE)
    conn = open_readonly(workspace.db_path)
    try:
        one = lambda sql: conn.execute(sql).fetchone()  # noqa: E731
        people, marketers = one("SELECT count(*), coalesce(sum(team = 'marketing'), 0) FROM people "
                                "WHERE active")
        leads, mqls, first, last = one(
            "SELECT count(*), count(mql_at), min(created_at), max(created_at) FROM leads")
        export = one("SELECT source_label, finished_at FROM imports "
                     "ORDER BY finished_at DESC, id DESC LIMIT 1") or ("no import", "")
        tz = settings.timezone
        first_day = _local_day(first, tz) if first else date.today()
        last_day = _local_day(last, tz) if last else date.today()
        return DemoSummary(
            company=settings.name, people=people, marketers=marketers, sellers=people - marketers,
            leads=leads, mqls=mqls, events=one("SELECT count(*) FROM lead_events")[0],
            campaigns=one("SELECT count(*) FROM campaigns")[0],
            activities=one("SELECT count(*) FROM activities")[0],
            first_week=iso_week_label(first_day), last_week=iso_week_label(last_day),
            first_day=first_day, last_day=last_day,
            open_issues=one("SELECT count(*) FROM issues WHERE status = 'open'")[0],
            open_actions=one("SELECT count(*) FROM action_items WHERE status = 'open'")[0],
            meetings=one("SELECT count(*) FROM meetings")[0],
            export_label=export[0], export_finished_at=export[1] or "")
    finally:
        conn.close()


def _local_day(stamp: str, tz: str) -> date:
    from smarketing_tui.timeutil import to_local

    return to_local(stamp, tz).date()
