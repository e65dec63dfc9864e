"""Benchmark: the re-screening job after a list update, end to end in a database (issue 4).

benchmarks/rescreening.py times the matcher's part (no database). This one times what runs in
production: `tatara.export_control.rescreen.run_rescreen`, the background job queued after a
list load, against a real party master stored in the database:

1. a fresh database (PostgreSQL from scripts/pg-tmp.sh, or --sqlite), migrated; OFAC SDN
   2024-01-08 (with alt.csv) loaded through `screening.services.load_list`;
2. N parties (default 100,000) stored in one company: names put together from the name parts
   of the two 1,000-person negative files (with nationality and date of birth on most), and
   1% real SDN names (half with a typo) that carry their hits on the old version; each listed
   party has an open transaction (so step 2 writes screening runs);
3. SDN 2024-05-03 loaded (the job's own queueing switched off for the load), then the job's
   runner timed: reading every party, screening them against the diff, re-screening the
   affected ones in full with their open transactions, writing runs and audit events.

Baseline in the same run: what re-screening without the diff means — every party read from
the database and screened against the whole active index (`screening.name_screening.screen_with`,
no writes). Target: 100,000 parties re-screened after a list update in under 2 minutes.

    .venv/bin/python benchmarks/rescreen_job.py             # 100,000 parties, PostgreSQL
    .venv/bin/python benchmarks/rescreen_job.py --quick     # 5,000 parties
    .venv/bin/python benchmarks/rescreen_job.py --sqlite    # a temporary SQLite file

The last line holds the key figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from kpi_evaluation import database  # noqa: E402  (the throwaway database of the benchmarks)
from rescreening import DATA, SDN_NEW, SDN_OLD, TARGET_SECONDS, log, make_parties  # noqa: E402

SDN_OLD_DIR = SDN_OLD.parent


class FakeJob:
    """What the runner reads of its Job."""

    def __init__(self, version_id: int) -> None:
        self.params = {"list_version": version_id}


def setup(url_engine: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tatara.config.settings"
    os.environ.setdefault("TATARA_TESTING", "1")
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"{url_engine}: migrated in {time.perf_counter() - started:.1f} s")


def store_parties(count: int) -> tuple[Any, int, int]:
    """The party master (bulk) and an open transaction for each listed party."""
    from tatara.core.permissions import SystemActor
    from tatara.export_control.models import Party, Transaction, TransactionParty
    from tatara.organisation import services as org
    from tatara.organisation.choices import UnitKind
    from tatara.screening.matching.countries import country_key
    from tatara.screening.sources import ofac

    system = SystemActor("benchmark")
    group = org.create_unit(actor=system, code="grp", name="Group", kind=UnitKind.GROUP)
    company = org.create_unit(
        actor=system, code="co", name="Company", kind=UnitKind.COMPANY, parent=group
    )
    from tatara.screening.services import compute_diff, fingerprint

    old = {r.entry_id: r for r in ofac.parse_sdn(SDN_OLD)}
    new = {r.entry_id: r for r in ofac.parse_sdn(SDN_NEW)}
    diff = compute_diff(
        {k: fingerprint(r) for k, r in old.items()}, {k: fingerprint(r) for k, r in new.items()}
    )
    queries = make_parties(count, old, new, diff)
    started = time.perf_counter()
    rows = []
    for query in queries:
        code = country_key(query.country or "")
        hits = [{"list_source": s, "list_entry_id": e, "score": 0.95} for s, e in query.hits]
        rows.append(
            Party(
                org_unit=company,
                name=query.names[0][:300],
                party_kind="person" if query.kind == "person" else "entity",
                country=code if len(code) == 2 else "",
                date_of_birth=query.birth_date or "",
                screening_outcome="strong" if hits else "clear",
                screening_hits=hits,
            )
        )
    Party.objects.bulk_create(rows, batch_size=5000)
    listed = list(Party.objects.exclude(screening_hits=[]).order_by("pk"))
    day = dt.date(2024, 5, 1)
    transactions = Transaction.objects.bulk_create(
        [
            Transaction(
                org_unit=company,
                reference=f"T-{p.pk}",
                date=day,
                destination="DE",
                status="cleared",
            )
            for p in listed
        ]
    )
    TransactionParty.objects.bulk_create(
        [
            TransactionParty(transaction=t, party=p, role="customer")
            for t, p in zip(transactions, listed, strict=True)
        ]
    )
    log(
        f"stored {len(rows):,} parties ({len(listed):,} with hits on the old version, each with "
        f"an open transaction) in {time.perf_counter() - started:.1f} s"
    )
    return company, len(rows), len(listed)


def load(path: Path) -> Any:
    from tatara.core.permissions import SystemActor
    from tatara.export_control import rescreen
    from tatara.screening import name_screening
    from tatara.screening.services import load_list

    name_screening.unregister_rescreen(
        rescreen.on_list_update
    )  # the job is timed below, not queued
    started = time.perf_counter()
    version = load_list(actor=SystemActor("benchmark"), source="ofac-sdn", path=path)
    log(
        f"loaded {path.parent.name}: {version.entry_count:,} entries in "
        f"{time.perf_counter() - started:.1f} s ({version.changes.counts})"
    )
    return version


def baseline() -> tuple[float, int]:
    """Every party screened against the whole active index (read from the database)."""
    from tatara.export_control.models import Party
    from tatara.screening import name_screening

    started = time.perf_counter()
    current = name_screening.active()
    alerts = 0
    rows = Party.objects.order_by("pk").values_list(
        "name", "aliases", "country", "date_of_birth", "party_kind"
    )
    for name, aliases, country, birth, kind in rows.iterator(chunk_size=2000):
        for each in [name, *(aliases or [])]:
            result = name_screening.screen_with(
                current, each, country=country or None, birth_date=birth or None, kind=kind
            )
            alerts += bool(result.alerts)
    return time.perf_counter() - started, alerts


def typical_update(folder: Path) -> Path:
    """A typical update in OFAC's own files: the 2024-01-08 list with the entries removed by
    2024-05-03 taken out and the ones it added put in (with alt.csv and add.csv of the kept
    entries), everything else as it was — rather than the 2024-05-03 snapshot, which lacks
    alt.csv/add.csv and so "changes" two thirds of the list."""
    import csv

    def rows(path: Path) -> list[list[str]]:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        return [r for r in csv.reader(text.splitlines(keepends=True)) if len(r) > 1]

    old = rows(SDN_OLD)
    new = rows(SDN_NEW)
    old_ids = {r[0] for r in old if r}
    new_ids = {r[0] for r in new if r}
    kept = old_ids & new_ids
    folder.mkdir(parents=True, exist_ok=True)
    out = [r for r in old if r and r[0] in kept] + [r for r in new if r and r[0] not in old_ids]
    for name, data in (
        ("sdn.csv", out),
        ("alt.csv", [r for r in rows(SDN_OLD_DIR / "alt.csv") if r and r[0] in kept]),
        ("add.csv", [r for r in rows(SDN_OLD_DIR / "add.csv") if r and r[0] in kept]),
    ):
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\r\n").writerows(data)
    return folder / "sdn.csv"


def scenario(name: str, update: Path, count: int, use_sqlite: bool) -> dict[str, Any]:
    """One fresh database: the old list, the party master, the update, the job, the baseline."""
    log(f"\n=== {name}")
    with database(use_sqlite) as engine:
        setup(engine)
        from django.db import connection

        from tatara.core.models import AuditEvent
        from tatara.export_control import rescreen
        from tatara.export_control.models import ScreeningRun
        from tatara.screening import name_screening

        load(SDN_OLD)
        _unit, parties, listed = store_parties(count)
        version = load(update)
        name_screening.clear_cache()
        progress: list[tuple[int, int, str]] = []
        events_before = AuditEvent.objects.count()
        started = time.perf_counter()
        outcome = rescreen.run_rescreen(
            job=FakeJob(version.pk),  # type: ignore[arg-type]
            report=lambda done, total, message="": progress.append((done, total, message)),
        )
        job_seconds = time.perf_counter() - started
        counts = outcome.details["counts"]
        log(
            f"job: {outcome.summary} in {job_seconds:.1f} s "
            f"({counts['parties'] / job_seconds:,.0f} parties/s); "
            f"{ScreeningRun.objects.count():,} runs and "
            f"{AuditEvent.objects.count() - events_before:,} audit events written; "
            f"{len(progress):,} progress reports"
        )
        name_screening.clear_cache()
        full_seconds, alerts = baseline()
        log(
            f"baseline: every party against the whole index in {full_seconds:.1f} s "
            f"({parties / full_seconds:,.0f} parties/s, {alerts:,} names with an alert)"
        )
        return {
            "db": connection.vendor,
            "parties": parties,
            "listed": listed,
            "affected": counts["affected"],
            "runs": counts["runs"],
            "job": job_seconds,
            "full": full_seconds,
            "ratio": full_seconds / job_seconds if job_seconds else float("inf"),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 parties")
    parser.add_argument("--parties", type=int, help="number of parties (default 100,000)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--scenario", choices=("typical", "real"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.parties or (5_000 if args.quick else 100_000)
    if not (SDN_OLD_DIR / "alt.csv").exists():
        raise SystemExit(f"missing list files under {DATA}")
    if args.scenario:  # one scenario in this process (Django settings are per process)
        import json
        import tempfile

        with tempfile.TemporaryDirectory(prefix="tatara-sdn.") as folder:
            if args.scenario == "typical":
                title = "B. a typical update (the same additions and removals only)"
                update = typical_update(Path(folder) / "typical")
            else:
                title, update = "A. the real snapshots (2024-01-08 -> 2024-05-03)", SDN_NEW
            result = scenario(title, update, count, args.sqlite)
        log("SCENARIO " + json.dumps(result))
        return
    log(f"rescreen_job: {count:,} parties; load average {os.getloadavg()[0]:.2f}")
    results = {}
    for name in ("typical", "real"):
        results[name] = run_scenario(name, count, args.sqlite)
    typical, real = results["typical"], results["real"]
    slowest = max(real["job"], typical["job"])
    met = "yes" if slowest < TARGET_SECONDS else "no"
    log(f"\nload average now {os.getloadavg()[0]:.2f}")
    log(
        f"rescreen_job: db={real['db']} parties={real['parties']} | typical: affected="
        f"{typical['affected']} runs={typical['runs']} job={typical['job']:.1f}s "
        f"full_scan={typical['full']:.1f}s ratio={typical['ratio']:.1f}x | real: affected="
        f"{real['affected']} runs={real['runs']} job={real['job']:.1f}s "
        f"full_scan={real['full']:.1f}s ratio={real['ratio']:.1f}x | target<{TARGET_SECONDS:.0f}s:{met}"
    )


def run_scenario(name: str, count: int, use_sqlite: bool) -> dict[str, Any]:
    import json
    import subprocess

    command = [sys.executable, __file__, "--scenario", name, "--parties", str(count)]
    if use_sqlite:
        command.append("--sqlite")
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    found = None
    for line in proc.stdout.splitlines():
        if line.startswith("SCENARIO "):
            found = json.loads(line.removeprefix("SCENARIO "))
        else:
            log(line)
    if proc.returncode != 0 or found is None:
        raise SystemExit(f"scenario {name} failed:\n{proc.stderr[-3000:]}")
    return dict(found)


if __name__ == "__main__":
    main()
