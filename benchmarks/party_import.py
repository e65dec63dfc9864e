"""Benchmark: importing a customer master of thousands of parties (export_control, issue 4).

Builds a throwaway database (a temporary SQLite file, or `--database-url`), migrates it, loads
real screening lists through `screening.services.load_list` (full size: OFAC SDN 2024-01-08
with alt.csv and the UN list, ~38,000 names; --quick: the UN list only), makes a group with
two companies and an export-control officer on the group, and writes a party file of N rows
(default 5,000; --quick 500): names put together from the name parts of the two 1,000-person
negative files, one in five with an alias, a country, roles, an ERP code, and 1% real list
names (half with a typo) so that screening finds hits.

Timed, in this order (each a full `record_import.import_records` call as the officer):

* check: a dry run (reads, checks, matches against the database; writes nothing);
* import: every row created through `services.create_party`, screened with the index taken
  once for the whole file (`party_screening.snapshot_screener`);
* unchanged: the same file again (every row matched, nothing to write);
* tenth updated: the file with every tenth party's country changed (`services.update_party`,
  screened again; the others unchanged);
* per-name index check: the same file into the second company with the screening service's
  `screen_name` for every name (it asks the database which list versions are active, each
  time) — what the import would cost without taking the index once.

Baselines in the same run: `Party.objects.bulk_create` of the same rows (no gate, no
screening, no history, no events; rolled back), and screening every name alone against the
index (`name_screening.screen_with`, no database).

    .venv/bin/python benchmarks/party_import.py            # 5,000 parties, SDN + UN
    .venv/bin/python benchmarks/party_import.py --quick    # 500 parties, UN only
    .venv/bin/python benchmarks/party_import.py --rows 20000
    .venv/bin/python benchmarks/party_import.py --database-url postgres://…/db   # an empty db

The last line holds the key figures.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("TATARA_SCREENING_DATA", ROOT.parent / "shared" / "data" / "screening"))
LISTS = DATA / "lists"
NEGATIVES = [DATA / "dev" / "negatives_global_1k.csv", DATA / "dev" / "negatives_us_1k.csv"]
SEED = 20260227
COUNTRIES = ["DE", "US", "CN", "KR", "IN", "TW", "TH", "FR", "GB", "VN", "Germany", "カナダ"]
ROLES = ["customer", "consignee", "end_user", "customer, end_user", ""]


def log(text: str) -> None:
    print(text, flush=True)


def setup(database_url: str | None, workdir: Path) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tatara.config.settings"
    os.environ.setdefault("TATARA_TESTING", "1")
    os.environ.setdefault("TATARA_LOG_LEVEL", "WARNING")
    os.environ["TATARA_DATA_DIR"] = str(workdir)
    os.environ["TATARA_DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


def load_lists(quick: bool) -> int:
    from tatara.core.permissions import SystemActor
    from tatara.screening.services import load_list

    actor = SystemActor("benchmark")
    files = [("un", LISTS / "un_sc_2026-02-27" / "UN_consolidated.xml")]
    if not quick:
        files.append(("ofac-sdn", LISTS / "ofac_sdn_2024-01-08"))
    names = 0
    for source, path in files:
        version = load_list(actor=actor, source=source, path=path)
        names += version.name_count
    return names


def world() -> tuple[Any, Any, Any, Any]:
    from django.contrib.auth import get_user_model

    from tatara.core.permissions import SystemActor
    from tatara.organisation import services as org
    from tatara.organisation.roles import Role

    system = SystemActor("benchmark")
    group = org.create_unit(actor=system, code="grp", name="Group", kind="group")
    a = org.create_unit(actor=system, code="co-a", name="Company A", kind="company", parent=group)
    b = org.create_unit(actor=system, code="co-b", name="Company B", kind="company", parent=group)
    c = org.create_unit(actor=system, code="co-c", name="Company C", kind="company", parent=group)
    officer = get_user_model().objects.create_user("officer", password="not-used-0123456789")
    org.grant_role(actor=system, user=officer, role=Role.EXPORT_CONTROL_OFFICER, org_unit=group)
    return officer, a, b, c


def list_names(limit: int) -> list[str]:
    from tatara.screening.models import EntryName

    return list(EntryName.objects.order_by("pk").values_list("name", flat=True)[:limit])


def party_file(rows: int, real_names: list[str]) -> bytes:
    rng = random.Random(SEED)
    firsts, lasts = [], []
    for path in NEGATIVES:
        with path.open(encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                firsts.append(record["first_name"])
                lasts.append(record["last_name"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "name", "party_kind", "aliases", "country", "roles"])
    for n in range(rows):
        if real_names and n % 100 == 50:
            name = rng.choice(real_names)
            if n % 200 == 50 and len(name) > 6:
                at = rng.randrange(1, len(name) - 1)
                name = name[:at] + name[at + 1 :]  # a typo
        else:
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
        kind = "person" if n % 3 else "entity"
        alias = f"{rng.choice(lasts)} Trading" if n % 5 == 0 else ""
        writer.writerow([f"C-{n:06d}", name, kind, alias, rng.choice(COUNTRIES), rng.choice(ROLES)])
    return out.getvalue().encode("utf-8")


def edit_every_tenth(data: bytes) -> bytes:
    """The file with the country of every tenth party changed (to JP)."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    table = list(csv.reader(lines))
    out = io.StringIO()
    writer = csv.writer(out)
    for n, row in enumerate(table):
        if n and n % 10 == 0:
            row[4] = "JP"
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


@contextmanager
def counted() -> Any:
    """The statements run inside the block (counted, not kept)."""
    from django.db import connection

    count = [0]

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def timed(label: str, run: Any) -> tuple[float, Any, int]:
    started = time.perf_counter()
    with counted() as count:
        result = run()
    seconds = time.perf_counter() - started
    queries = count[0]
    log(
        f"  {label}: {seconds:.2f} s, {queries} queries"
        + (f" — {result.summary()}" if hasattr(result, "summary") else "")
    )
    return seconds, result, queries


def bulk_baseline(data: bytes, unit: Any) -> float:
    """The same rows parsed and written with one bulk_create, then rolled back."""
    from django.db import transaction

    from tatara.core.tabular import read_table
    from tatara.export_control.models import Party
    from tatara.export_control.record_columns import split_list

    started = time.perf_counter()
    table = read_table(io.BytesIO(data), name="parties.csv")
    with transaction.atomic():
        Party.objects.bulk_create(
            [
                Party(
                    org_unit=unit,
                    code=row.text("code"),
                    name=row.text("name"),
                    party_kind=row.text("party_kind"),
                    aliases=split_list(row.text("aliases")),
                    country=row.text("country")[:2].upper(),
                    roles=[r.strip() for r in row.text("roles").split(",") if r.strip()],
                )
                for row in table.rows
            ],
            batch_size=500,
        )
        transaction.set_rollback(True)
    return time.perf_counter() - started


def screen_only(data: bytes) -> float:
    from tatara.core.tabular import read_table
    from tatara.export_control.record_columns import split_list
    from tatara.screening import name_screening

    current = name_screening.active()
    started = time.perf_counter()
    for row in read_table(io.BytesIO(data), name="parties.csv").rows:
        for name in [row.text("name"), *split_list(row.text("aliases"))]:
            name_screening.screen_with(current, name, kind=row.text("party_kind"), limit=10)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 parties, the UN list only")
    parser.add_argument("--rows", type=int, help="parties in the file (default 5,000)")
    parser.add_argument("--database-url", help="an empty database to use (default: SQLite)")
    args = parser.parse_args()
    rows = args.rows or (500 if args.quick else 5000)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="tatara-bench-") as folder:
        t0 = time.perf_counter()
        vendor = setup(args.database_url, Path(folder))
        log(f"party_import benchmark: {rows:,} parties on {vendor}, load average {load:.1f}")
        log(f"  migrate: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        names = load_lists(args.quick)
        log(f"  lists: {names:,} names loaded in {time.perf_counter() - t0:.1f} s")
        from tatara.export_control import party_screening, record_import
        from tatara.export_control.models import Party
        from tatara.screening import name_screening

        t0 = time.perf_counter()
        name_screening.active()
        log(f"  screening index: built in {time.perf_counter() - t0:.1f} s")
        officer, company_a, company_b, company_c = world()
        data = party_file(rows, list_names(2000))

        def run(unit: Any, dry_run: bool = False, screener: Any = None, file: bytes = data) -> Any:
            return record_import.import_records(
                "parties",
                io.BytesIO(file),
                actor=officer,
                name="parties.csv",
                unit=unit,
                dry_run=dry_run,
                screener=screener,
            )

        check, _r, _q = timed("check (dry run)", lambda: run(company_a, dry_run=True))
        imported, result, queries = timed("import", lambda: run(company_a))
        assert result.created == rows and Party.objects.count() == rows
        unchanged, again, _q = timed("unchanged re-import", lambda: run(company_a))
        assert again.unchanged == rows
        edited = edit_every_tenth(data)
        updated, changes, _q = timed(
            "re-import, every tenth row edited", lambda: run(company_a, file=edited)
        )
        assert changes.updated == rows // 10
        per_name, _r, per_name_queries = timed(
            "import, screen_name per name",
            lambda: run(company_b, screener=party_screening.default_screener),
        )
        bulk = bulk_baseline(data, company_c)
        log(f"  baseline bulk_create of the same rows: {bulk:.2f} s")
        screening = screen_only(data)
        log(f"  baseline screening alone (names and aliases, no database): {screening:.2f} s")
        hits = result.screening
        log(
            f"  screening outcomes of the import: {hits}; {queries / rows:.1f} queries a row "
            f"({per_name_queries / rows:.1f} with screen_name per name)"
        )
        print(
            f"party_import: db={vendor} rows={rows} list_names={names} check={check:.2f}s "
            f"import={imported:.2f}s ({rows / imported:.0f} rows/s) unchanged={unchanged:.2f}s "
            f"tenth_updated={updated:.2f}s "
            f"per_name_index_check={per_name:.2f}s bulk_create={bulk:.2f}s "
            f"ratio={imported / bulk:.0f}x screening_only={screening:.2f}s "
            f"queries_per_row={queries / rows:.1f} load={load:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
