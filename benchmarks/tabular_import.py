"""Benchmark: the import engine (core/tabular, issue 10) on an HR master of 100,000 people.

Builds a throwaway database (a temporary SQLite file, or `--database-url` to an empty
PostgreSQL database), a group of 10 companies with 10 sites each, and an HR master of N rows
(default 100,000; --quick 5,000) in the columns of `organisation.hr_import` — names put
together from the name parts of the two 1,000-person negative files, units, e-mails, job
levels, employment types, hire dates — written as CSV and converted to .xlsx by LibreOffice
(`soffice --headless --convert-to xlsx`: a workbook as another program writes it, shared
strings and styles included, not one written by openpyxl).

Baseline in the same run: openpyxl's read-only parse of the same workbook (every row's
values, nothing else: `load_workbook(read_only=True, data_only=True)` and `iter_rows(
values_only=True)`).

Timed through the engine, as the HR office (`organisation.manage` on the group):

* check: reading the workbook and every cell through the column spec, the key and the
  spec's checks (`engine.read_records`) — the engine's own cost before any row function;
* import: the first import, every person a joiner through the HR row function (a Person
  saved with its history, one audit event);
* unchanged: the same workbook again (every row matched and compared, nothing written);
* tenth moved: every tenth person in another site (movers saved with history).

Target: the unchanged import within 2x the baseline parse (the engine and a real row
function add at most as much as reading the file costs). The first import's rows/s is
printed beside it: it writes a row and its history for every person.

    .venv/bin/python benchmarks/tabular_import.py            # 100,000 rows
    .venv/bin/python benchmarks/tabular_import.py --quick    # 5,000 rows
    .venv/bin/python benchmarks/tabular_import.py --database-url postgres://…/empty_db

The last line holds the key figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("TATARA_SCREENING_DATA", ROOT.parent / "shared" / "data" / "screening"))
NEGATIVES = [DATA / "dev" / "negatives_global_1k.csv", DATA / "dev" / "negatives_us_1k.csv"]
SEED = 20261207
HEADER = [
    "employee_number",
    "full_name",
    "org_unit",
    "email",
    "job_level",
    "employment_type",
    "hire_date",
    "language",
]
LEVELS = ["Staff", "Senior Staff", "Manager", "Senior Manager", "Director", "主任", "課長"]
TYPES = ["regular", "regular", "regular", "contract", "part_time"]


def log(text: str) -> None:
    print(text, flush=True)


def setup(database_url: str | None, workdir: Path) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tatara.config.settings"
    os.environ.setdefault("TATARA_TESTING", "1")
    os.environ.setdefault("TATARA_LOG_LEVEL", "WARNING")
    os.environ["TATARA_DATA_DIR"] = str(workdir)
    os.environ["TATARA_DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("TATARA_UPLOAD_MAX_MB", "500")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


def world() -> tuple[Any, list[str]]:
    from django.contrib.auth import get_user_model

    from tatara.core.permissions import SystemActor
    from tatara.organisation import services as org
    from tatara.organisation.roles import Role

    system = SystemActor("benchmark")
    group = org.create_unit(actor=system, code="grp", name="Group", kind="group")
    sites = []
    for c in range(10):
        company = org.create_unit(
            actor=system, code=f"co-{c}", name=f"Company {c}", kind="company", parent=group
        )
        for s in range(10):
            code = f"co-{c}-site-{s}"
            org.create_unit(actor=system, code=code, name=code, kind="site", parent=company)
            sites.append(code)
    hr = get_user_model().objects.create_user("hr", password="not-used-0123456789")
    org.grant_role(actor=system, user=hr, role=Role.CSR_ADMIN, org_unit=group)
    return hr, sites


def hr_csv(rows: int, sites: list[str], moved_every: int = 0) -> bytes:
    rng = random.Random(SEED)
    firsts, lasts = [], []
    for path in NEGATIVES:
        with path.open(encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                firsts.append(record["first_name"])
                lasts.append(record["last_name"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    start = dt.date(1985, 4, 1)
    for n in range(rows):
        first, last = rng.choice(firsts), rng.choice(lasts)
        site = sites[n % len(sites)]
        if moved_every and n % moved_every == 0:
            site = sites[(n + 1) % len(sites)]
        writer.writerow(
            [
                f"E{n:07d}",
                f"{first} {last}",
                site,
                f"e{n:07d}@example.com",
                rng.choice(LEVELS),
                rng.choice(TYPES),
                (start + dt.timedelta(days=rng.randrange(14000))).isoformat(),
                "ja" if n % 4 else "en",
            ]
        )
    return out.getvalue().encode("utf-8")


def to_xlsx(csv_bytes: bytes, workdir: Path, stem: str) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit(
            "tabular_import: LibreOffice (soffice) is needed: apt-get install libreoffice-calc"
        )
    source = workdir / f"{stem}.csv"
    source.write_bytes(csv_bytes)
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{workdir / 'lo-profile'}",
            "--infilter=CSV:44,34,76,1",  # comma, double quote, UTF-8, from line 1
            "--convert-to",
            "xlsx",
            "--outdir",
            str(workdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=900,
    )
    return workdir / f"{stem}.xlsx"


def parse_baseline(path: Path) -> tuple[float, int]:
    from openpyxl import load_workbook

    started = time.perf_counter()
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return time.perf_counter() - started, rows


def check_only(path: Path, actor: Any) -> float:
    from tatara.core.tabular import read_table
    from tatara.core.tabular.engine import ImportContext, read_records
    from tatara.core.tabular.results import ImportCounts
    from tatara.organisation.hr_import import PEOPLE

    started = time.perf_counter()
    table = read_table(path, required=PEOPLE.required, optional=PEOPLE.optional)
    context = ImportContext(
        spec=PEOPLE,
        actor=actor,
        options={},
        dry_run=True,
        result=ImportCounts(what="people", file=path.name),
        table=table,
    )
    records, errors = read_records(PEOPLE, context)
    assert not errors and len(records) == len(table.rows), errors[:3]
    return time.perf_counter() - started


def timed_import(path: Path, actor: Any, as_of: dt.date) -> tuple[float, Any]:
    from tatara.organisation.hr_import import import_people

    started = time.perf_counter()
    result = import_people(path, actor=actor, as_of=as_of)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 rows")
    parser.add_argument("--rows", type=int, default=0, help="rows of the HR master")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database")
    args = parser.parse_args()
    rows = args.rows or (5_000 if args.quick else 100_000)
    with tempfile.TemporaryDirectory(prefix="tatara-tabular-") as tmp:
        workdir = Path(tmp)
        vendor = setup(args.database_url or None, workdir)
        hr, sites = world()
        log(f"tabular_import: {rows:,} rows, db={vendor}, load {os.getloadavg()[0]:.1f}")
        started = time.perf_counter()
        first = to_xlsx(hr_csv(rows, sites), workdir, "hr-master")
        moved = to_xlsx(hr_csv(rows, sites, moved_every=10), workdir, "hr-master-moved")
        log(
            f"  workbooks written by LibreOffice in {time.perf_counter() - started:.1f} s "
            f"({first.stat().st_size / 1e6:.1f} MB)"
        )
        parse, parsed = parse_baseline(first)
        assert parsed == rows + 1, parsed
        log(f"  baseline: openpyxl read-only parse {parse:.2f} s ({rows / parse:,.0f} rows/s)")
        check = check_only(first, hr)
        log(f"  check (read + every cell + key + checks): {check:.2f} s, {check / parse:.2f}x")
        imported, result = timed_import(first, hr, dt.date(2026, 4, 1))
        assert result.created == rows, result.summary()
        log(f"  import: {imported:.1f} s ({rows / imported:,.0f} rows/s), {imported / parse:.1f}x")
        unchanged, result = timed_import(first, hr, dt.date(2026, 5, 1))
        assert result.unchanged == rows, result.summary()
        log(f"  unchanged: {unchanged:.2f} s, {unchanged / parse:.2f}x")
        tenth, result = timed_import(moved, hr, dt.date(2026, 6, 1))
        assert result.by_detail()["mover"] == rows // 10, result.summary()
        log(f"  tenth moved: {tenth:.2f} s, {tenth / parse:.2f}x")
        ratio = unchanged / parse
        log(
            f"tabular_import: db={vendor} rows={rows} parse={parse:.2f}s check={check:.2f}s "
            f"({check / parse:.2f}x) import={imported:.1f}s ({rows / imported:,.0f} rows/s) "
            f"unchanged={unchanged:.2f}s ratio={ratio:.2f}x tenth_moved={tenth:.2f}s "
            f"target<=2x:{'yes' if ratio <= 2 else 'NO'}"
        )


if __name__ == "__main__":
    main()
