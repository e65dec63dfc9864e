"""Benchmark: full-group KPI evaluation against a plain SQL GROUP BY (issue 3).

Builds a large group — 100 sites x 300 metrics x 12 months x 15 years of approved
observations (5.4 M rows) — in a private throwaway PostgreSQL server (scripts/pg-tmp.sh,
port TATARA_PG_PORT, default 5441) or, with --sqlite, in a temporary SQLite file. Then times
`tatara.kpis.evaluation.evaluate(year)` for the latest fiscal year (the whole group, no user)
beside the baseline: a plain `SELECT metric_id, org_unit_id, SUM(value) … GROUP BY` over the
same fiscal years (the target year and the base years), fetched fully, as often.

Target: the evaluation under 1 s on PostgreSQL and within 3x of the GROUP BY.

    .venv/bin/python benchmarks/kpi_evaluation.py            # full size, PostgreSQL
    .venv/bin/python benchmarks/kpi_evaluation.py --quick    # 10 sites x 30 metrics x 3 years
    .venv/bin/python benchmarks/kpi_evaluation.py --sqlite   # the same on SQLite
    .venv/bin/python benchmarks/kpi_evaluation.py --profile  # print a cProfile of one run

The last line holds the key figures.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import os
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAST_YEAR = 2024
DB_NAME = "tatara_bench"


# --- sizes -------------------------------------------------------------------------------


class Size:
    def __init__(self, quick: bool) -> None:
        if quick:
            self.companies, self.sites, self.metrics, self.years = 4, 10, 30, 3
        else:
            self.companies, self.sites, self.metrics, self.years = 10, 100, 300, 15
        self.first_year = LAST_YEAR - self.years + 1
        # two base years inside the range, for reduce_vs_base targets
        self.base_years = sorted(
            {self.first_year + (self.years - 1) // 4, self.first_year + (self.years - 1) // 2}
        )

    @property
    def observations(self) -> int:
        return self.sites * self.metrics * 12 * self.years


# --- the database: a throwaway PostgreSQL server or a temporary SQLite file ----------------


@contextlib.contextmanager
def database(use_sqlite: bool, keep: bool = False, reuse: bool = False) -> Iterator[str]:
    """Set TATARA_DATABASE_URL to a fresh empty database; remove it afterwards (also on
    failure), unless `keep`. With `reuse`, a kept database is used as it is. Yields the name of
    the engine."""
    workdir = Path(tempfile.mkdtemp(prefix="tatara-bench."))
    os.environ["TATARA_DATA_DIR"] = str(workdir)
    if use_sqlite:
        os.environ["TATARA_DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        try:
            yield "sqlite"
        finally:
            _close_connections()
            shutil.rmtree(workdir, ignore_errors=True)
        return
    port = os.environ.get("TATARA_PG_PORT", "5441")
    env = {**os.environ, "TATARA_PG_PORT": port}
    env.setdefault("TATARA_PG_DIR", f"/tmp/tatara-bench-pgdata-{port}")
    already_running = Path(env["TATARA_PG_DIR"], "postmaster.pid").exists()
    script = str(ROOT / "scripts" / "pg-tmp.sh")
    started = subprocess.run(
        ["bash", script, "start"], env=env, capture_output=True, text=True, check=False
    )
    if started.returncode != 0:
        shutil.rmtree(workdir, ignore_errors=True)
        raise SystemExit(f"could not start PostgreSQL: {started.stderr.strip()}")
    server_url = started.stdout.strip().rsplit("/", 1)[0]
    try:
        if not (reuse and already_running):
            _admin(server_url, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
            _admin(server_url, f'CREATE DATABASE "{DB_NAME}"')
        os.environ["TATARA_DATABASE_URL"] = f"{server_url}/{DB_NAME}"
        yield "postgresql"
    finally:
        _close_connections()
        if keep:
            print(
                f"kept: {server_url}/{DB_NAME}; stop with TATARA_PG_PORT={port} "
                f"TATARA_PG_DIR={env['TATARA_PG_DIR']} bash scripts/pg-tmp.sh stop",
                flush=True,
            )
        elif already_running:  # someone else's server: only drop our database
            with contextlib.suppress(Exception):
                _admin(server_url, f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        else:
            subprocess.run(["bash", script, "stop"], env=env, check=False)
        shutil.rmtree(workdir, ignore_errors=True)


def _admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _close_connections() -> None:
    if "django" in sys.modules:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tatara.config.settings"
    os.environ.setdefault("TATARA_TESTING", "1")  # a secret key is not needed; DEBUG stays off
    os.environ.setdefault("TATARA_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


# --- building the data -----------------------------------------------------------------------


class Built:
    def __init__(self) -> None:
        self.group_id = 0
        self.company_ids: list[int] = []
        self.site_ids: list[int] = []
        self.absolute_ids: list[int] = []
        self.metric_ids: list[int] = []
        self.targets = 0


def build(size: Size, say: Callable[[str], None]) -> Built:
    from django.db import connection, transaction

    built = Built()
    with transaction.atomic():
        t0 = time.perf_counter()
        _build_tree(size, built)
        _build_metrics(size, built)
        _build_targets(size, built)
        say(
            f"  tree, metrics, targets: {len(built.company_ids)} companies, "
            f"{len(built.site_ids)} sites, {len(built.metric_ids)} metrics, "
            f"{built.targets} targets ({time.perf_counter() - t0:.2f}s)"
        )
    t0 = time.perf_counter()
    if connection.vendor == "postgresql":
        _copy_observations(size, built)
    else:
        with transaction.atomic():
            _insert_observations(size, built)
    say(f"  observations: {size.observations:,} rows ({time.perf_counter() - t0:.1f}s)")
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM as autovacuum would after a bulk insert (and now rather than while timing)
            cursor.execute("VACUUM (ANALYZE) kpis_observation")
        else:
            cursor.execute("ANALYZE")
    say(f"  vacuum/analyze: {time.perf_counter() - t0:.1f}s")
    return built


def existing(size: Size) -> Built | None:
    """What a --keep run built, if its database is there with the same size."""
    from tatara.kpis.choices import MetricKind
    from tatara.kpis.models import Metric, Observation, Target
    from tatara.organisation.models import OrgUnit

    if Observation.objects.count() != size.observations:
        return None
    built = Built()
    units = OrgUnit.objects.filter(code__startswith="bm-").order_by("code")
    built.group_id = units.get(code="bm-group").pk
    built.company_ids = [u.pk for u in units if u.code.startswith("bm-c")]
    built.site_ids = [u.pk for u in units if u.code.startswith("bm-s")]
    metrics = Metric.objects.filter(code__startswith="bm-").order_by("code")
    built.absolute_ids = [m.pk for m in metrics if m.kind == MetricKind.ABSOLUTE]
    built.metric_ids = [m.pk for m in metrics]
    built.targets = Target.objects.count()
    return built


def _build_tree(size: Size, built: Built) -> None:
    """group → companies → sites; the last two companies are not consolidated; one site joins
    the group mid-range and one leaves before the evaluated year."""
    from tatara.organisation.choices import UnitKind
    from tatara.organisation.models import OrgUnit

    def unit(code: str, kind: str, parent: OrgUnit | None, **extra: Any) -> OrgUnit:
        made = OrgUnit.objects.create(
            code=code, name=code.upper(), kind=kind, parent=parent, **extra
        )
        made.path = f"{parent.path if parent else '/'}{made.pk}/"
        made.depth = parent.depth + 1 if parent else 0
        made.save(update_fields=["path", "depth"])
        return made

    group = unit("bm-group", UnitKind.GROUP, None)
    built.group_id = group.pk
    per_company = size.sites // size.companies
    site_number = 0
    for c in range(size.companies):
        unconsolidated = c >= size.companies - 2
        company = unit(f"bm-c{c:02d}", UnitKind.COMPANY, group, consolidated=not unconsolidated)
        built.company_ids.append(company.pk)
        count = per_company if c < size.companies - 1 else size.sites - site_number
        for _ in range(count):
            extra: dict[str, Any] = {}
            if site_number == 1:  # joins in the middle of the range (after the first base year)
                extra["in_group_from"] = dt.date(size.first_year + size.years // 2, 10, 1)
            if site_number == 2:  # leaves during the year before the evaluated one
                extra["in_group_until"] = dt.date(LAST_YEAR - 1, 9, 30)
            site = unit(f"bm-s{site_number:03d}", UnitKind.SITE, company, **extra)
            built.site_ids.append(site.pk)
            site_number += 1


def _build_metrics(size: Size, built: Built) -> None:
    """Mostly absolute monthly metrics; one in twenty a ratio (percent of two tonne metrics),
    one in twenty an intensity (tonnes per MWh), their parts among the absolute ones."""
    from tatara.kpis.choices import Aggregation, Direction, Frequency, MetricKind
    from tatara.kpis.models import Metric

    derived = max(1, size.metrics // 20)
    absolute_count = size.metrics - 2 * derived
    absolute = Metric.objects.bulk_create(
        Metric(
            code=f"bm-m{i:03d}",
            name=f"Benchmark metric {i}",
            unit=("t", "MWh", "kL", "person")[i % 4],
            kind=MetricKind.ABSOLUTE,
            aggregation=Aggregation.SUM,
            direction=Direction.LOWER if i % 2 else Direction.HIGHER,
            frequency=Frequency.MONTHLY,
        )
        for i in range(absolute_count)
    )
    tonnes = [m for m in absolute if m.unit == "t"]
    energy = [m for m in absolute if m.unit == "MWh"]
    rows = []
    for j in range(derived):
        rows.append(
            Metric(
                code=f"bm-m{absolute_count + j:03d}",
                name=f"Benchmark ratio {j}",
                unit="percent",
                kind=MetricKind.RATIO,
                numerator=tonnes[(2 * j) % len(tonnes)],
                denominator=tonnes[(2 * j + 1) % len(tonnes)],
                aggregation=Aggregation.RATIO_OF_SUMS,
                direction=Direction.LOWER,
                frequency=Frequency.MONTHLY,
            )
        )
        rows.append(
            Metric(
                code=f"bm-m{absolute_count + derived + j:03d}",
                name=f"Benchmark intensity {j}",
                unit="t/MWh",
                kind=MetricKind.INTENSITY,
                numerator=tonnes[j % len(tonnes)],
                denominator=energy[j % len(energy)],
                aggregation=Aggregation.RATIO_OF_SUMS,
                direction=Direction.LOWER,
                frequency=Frequency.MONTHLY,
            )
        )
    derived_rows = Metric.objects.bulk_create(rows)
    built.absolute_ids = [m.pk for m in absolute]
    built.metric_ids = built.absolute_ids + [m.pk for m in derived_rows]


def _magnitude(metric_index: int) -> int:
    return (10, 1000, 100000)[metric_index % 3]


def _build_targets(size: Size, built: Built) -> None:
    """A target on the group for every metric of the evaluated year (at_least, at_most,
    reduce_vs_base against either base year), and company targets for one metric in ten."""
    from tatara.cycle.services import get_or_create_fiscal_year
    from tatara.kpis.choices import TargetKind
    from tatara.kpis.models import Target

    years = {y: get_or_create_fiscal_year(y) for y in range(size.first_year, LAST_YEAR + 1)}
    fy = years[LAST_YEAR]
    kinds = [TargetKind.AT_LEAST, TargetKind.AT_MOST, TargetKind.REDUCE_VS_BASE]
    targets = []
    for i, metric_id in enumerate(built.metric_ids):
        scopes = [(built.group_id, size.sites)]
        if i % 10 == 0:
            scopes += [(c, size.sites // size.companies) for c in built.company_ids]
        for n, (unit_id, sites) in enumerate(scopes):
            kind = kinds[(i + n) % 3]
            level = Decimal(_magnitude(i) * 12 * sites)
            if i >= len(built.absolute_ids):
                level = Decimal(50)
            base = None
            if kind == TargetKind.REDUCE_VS_BASE:
                level = Decimal(5)
                base = years[size.base_years[(i + n) % len(size.base_years)]]
            targets.append(
                Target(
                    metric_id=metric_id,
                    fiscal_year=fy,
                    org_unit_id=unit_id,
                    kind=kind,
                    value=level,
                    base_year=base,
                )
            )
    Target.objects.bulk_create(targets)
    built.targets = len(targets)


def _periods(size: Size) -> list[tuple[str, str]]:
    periods = []
    for year in range(size.first_year, LAST_YEAR + 1):
        for k in range(12):
            month = (3 + k) % 12 + 1  # April … March
            calendar_year = year + (month < 4)
            start = dt.date(calendar_year, month, 1)
            end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            periods.append((start.isoformat(), end.isoformat()))
    return periods


def _rows(size: Size, built: Built) -> Iterator[list[tuple[int, int, str, str, str, str]]]:
    """Observation rows per month, in the order they would arrive (month by month)."""
    rng = random.Random(3)
    pools = {
        magnitude: [f"{rng.uniform(0.5, 1.5) * magnitude:.2f}" for _ in range(4093)]
        for magnitude in (10, 50, 1000, 100000)
    }
    derived_from = len(built.absolute_ids)
    metric_pools = [
        (metric_id, pools[50] if i >= derived_from else pools[_magnitude(i)])
        for i, metric_id in enumerate(built.metric_ids)
    ]
    counter = 0
    for start, end in _periods(size):
        batch = []
        for site_id in built.site_ids:
            for metric_id, pool in metric_pools:
                counter += 7
                batch.append((metric_id, site_id, start, end, pool[counter % 4093], "approved"))
        yield batch


def _copy_observations(size: Size, built: Built) -> None:
    from django.db import connection

    columns = (
        "metric_id, org_unit_id, period_start, period_end, value, original_value, "
        "original_unit, source, status, jump_reason, evidence, return_note"
    )
    connection.ensure_connection()
    raw = connection.connection
    with raw.transaction(), raw.cursor() as cursor:
        # Loading into a bare table and indexing afterwards is several times faster than
        # maintaining the indexes row by row; foreign keys are not checked (the ids are ours).
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'kpis_observation'::regclass AND contype = 'u'"
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = "
            "'kpis_observation' AND i.indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'kpis_observation'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE kpis_observation DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        with cursor.copy(f"COPY kpis_observation ({columns}) FROM STDIN") as copy:
            for batch in _rows(size, built):
                copy.write(
                    "".join(
                        f"{m}\t{u}\t{s}\t{e}\t{v}\t{v}\t-\t\t{st}\t\t\t\n"
                        for m, u, s, e, v, st in batch
                    )
                )
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE kpis_observation ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)


def _insert_observations(size: Size, built: Built) -> None:
    from django.db import connection

    sql = (
        "INSERT INTO kpis_observation (metric_id, org_unit_id, period_start, period_end, "
        "value, original_value, original_unit, source, status, jump_reason, evidence, "
        "return_note) VALUES (%s, %s, %s, %s, %s, %s, '-', '', %s, '', '', '')"
    )
    with connection.cursor() as cursor:
        # as on PostgreSQL: the indexes are built once the rows are in
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'kpis_observation' AND sql IS NOT NULL"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for batch in _rows(size, built):
            cursor.executemany(sql, [(m, u, s, e, v, v, st) for m, u, s, e, v, st in batch])
        for _name, definition in indexes:
            cursor.execute(definition)


# --- timing ------------------------------------------------------------------------------------


class SqlClock:
    """Time spent in cursor.execute (the database and the transfer), by query count."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - t0
            self.queries += 1


def repeat(fn: Callable[[], Any], times: int) -> tuple[list[float], Any]:
    fn()  # warm-up
    seconds = []
    result = None
    for _ in range(times):
        t0 = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - t0)
    return seconds, result


def group_by(years: list[int]) -> int:
    """The baseline: one plain GROUP BY per fiscal year read, fetched fully."""
    from django.db import connection

    from tatara.core import fiscal

    count = 0
    with connection.cursor() as cursor:
        for year in years:
            start, end = fiscal.bounds(year)
            cursor.execute(
                "SELECT metric_id, org_unit_id, SUM(value) FROM kpis_observation "
                "WHERE status = 'approved' AND period_start >= %s AND period_end <= %s "
                "GROUP BY metric_id, org_unit_id",
                [start, end],
            )
            count += len(cursor.fetchall())
    return count


def sanity(size: Size, built: Built, evaluations: list[Any]) -> str:
    """The group figure of one absolute metric equals a direct SQL sum honouring the rules:
    approved only, sites of consolidated companies only, months inside their time in the group."""
    from django.db import connection

    from tatara.core import fiscal
    from tatara.kpis.models import Metric

    checked = []
    for metric_id in (built.absolute_ids[0], built.absolute_ids[-1]):
        code = Metric.objects.get(pk=metric_id).code
        start, end = fiscal.bounds(LAST_YEAR)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT SUM(o.value) FROM kpis_observation o "
                "JOIN organisation_orgunit s ON s.id = o.org_unit_id "
                "JOIN organisation_orgunit c ON c.id = s.parent_id "
                "WHERE o.metric_id = %s AND o.status = 'approved' "
                "AND o.period_start >= %s AND o.period_end <= %s "
                "AND s.consolidated AND c.consolidated "
                "AND (s.in_group_from IS NULL OR o.period_end >= s.in_group_from) "
                "AND (s.in_group_until IS NULL OR o.period_start <= s.in_group_until)",
                [metric_id, start, end],
            )
            expected = Decimal(str(cursor.fetchone()[0]))
        found = [e for e in evaluations if e.metric == code and e.org_unit == "bm-group"]
        if len(found) != 1 or found[0].actual_value is None:
            raise SystemExit(f"SANITY FAILED: no group evaluation for {code}")
        actual = found[0].actual_value
        same = actual == expected
        if connection.vendor == "sqlite":  # SQLite sums decimals as floats
            same = abs(actual - expected) <= abs(expected) * Decimal("1e-9")
        if not same:
            raise SystemExit(
                f"SANITY FAILED: {code} group FY{LAST_YEAR}: evaluate() says {actual}, "
                f"the direct SQL sum says {expected}"
            )
        checked.append(f"{code}={actual}")
    return ", ".join(checked)


def profile(fn: Callable[[], Any], say: Callable[[str], None], lines: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    out.write("\n-- by own time --\n")
    stats.sort_stats("tottime").print_stats(15)
    for line in out.getvalue().splitlines():
        if line.strip():
            say("    " + line.rstrip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 sites x 30 metrics x 3 years")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--profile", action="store_true", help="profile one evaluation")
    parser.add_argument(
        "--keep", action="store_true", help="PostgreSQL: leave the server and data running"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="PostgreSQL: time the data a --keep run left"
    )
    args = parser.parse_args()
    if args.sqlite and (args.keep or args.reuse):
        parser.error("--keep and --reuse are for PostgreSQL")
    size = Size(args.quick)

    def say(line: str) -> None:
        print(line, flush=True)

    with database(args.sqlite, args.keep, args.reuse) as engine:
        t0 = time.perf_counter()
        setup_django()
        say(
            f"kpi_evaluation: {engine}, {'quick' if args.quick else 'full'} size, "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
        )
        say(f"  migrate: {time.perf_counter() - t0:.1f}s")
        t0 = time.perf_counter()
        built = existing(size) if args.reuse else None
        if built is None:
            built = build(size, say)
        else:
            say("  reusing the kept data")
        build_seconds = time.perf_counter() - t0
        say(f"build: {build_seconds:.1f}s")

        from django.db import connection

        from tatara.kpis.evaluation import evaluate

        years = sorted({LAST_YEAR, *size.base_years})
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            evaluations = evaluate(LAST_YEAR)
        say(
            f"one evaluation: {len(evaluations)} targets, {clock.queries} queries, "
            f"{clock.seconds:.3f}s in cursor.execute"
        )
        say(f"sanity: {sanity(size, built, evaluations)} (match the direct SQL sums)")

        sql_clock = SqlClock()
        with connection.execute_wrapper(sql_clock):
            evaluate_times, _ = repeat(lambda: evaluate(LAST_YEAR), args.repeat)
        runs = args.repeat + 1  # with the warm-up
        group_by_times, rows = repeat(lambda: group_by(years), args.repeat)
        ev_median, gb_median = statistics.median(evaluate_times), statistics.median(group_by_times)
        ratio = ev_median / gb_median
        say(
            f"evaluate(FY{LAST_YEAR}): median {ev_median:.3f}s, min {min(evaluate_times):.3f}s "
            f"({', '.join(f'{s:.3f}' for s in evaluate_times)})"
        )
        say(
            f"  of which in cursor.execute (the database): {sql_clock.seconds / runs:.3f}s "
            f"a run on average ({sql_clock.queries // runs} queries); the rest is Python"
        )
        say(
            f"GROUP BY FY{', FY'.join(map(str, years))}: {rows} groups, median {gb_median:.3f}s, "
            f"min {min(group_by_times):.3f}s ({', '.join(f'{s:.3f}' for s in group_by_times)})"
        )
        say(f"load average after timing: {os.getloadavg()[0]:.1f}")
        under_1s = ev_median < 1.0
        within_3x = ratio <= 3.0
        if args.profile or not (under_1s and within_3x):
            say("profile of one evaluation (cProfile):")
            profile(lambda: evaluate(LAST_YEAR), say)
        say(
            f"kpi_evaluation: db={engine} observations={size.observations} "
            f"targets={len(evaluations)} build={build_seconds:.0f}s "
            f"evaluate_median={ev_median:.2f}s evaluate_min={min(evaluate_times):.2f}s "
            f"group_by_median={gb_median:.2f}s ratio={ratio:.1f}x "
            f"target<1s:{'yes' if under_1s else 'no'} within3x:{'yes' if within_3x else 'no'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
