"""Benchmark: re-screening a customer master after a list update (issue 4).

Reads OFAC SDN 2024-01-08 (with alt.csv) and then SDN 2024-05-03 through the project's
parsers, computes the diff between them as a load does (entry ids and fingerprints:
1,256 added, 112 removed, ~9,900 changed), and re-screens 100,000 synthetic parties two ways:

* ours: `tatara.screening.name_screening.rescreen_against_change` — an index of only what the update
  can turn into a new hit (added entries, and changed entries that gained a name or changed
  kind, countries or dates of birth), every party screened against it; changed entries that
  only lost names are checked only for the parties that already hit them, and existing hits
  on removed entries are reported. Timed from the diff to the result, index build included.
* baseline, same run: the same parties screened against the full index of the new version
  (what re-screening without a diff index means), index build included.

Parties: names put together from the name parts of the two 1,000-person negative files
(first, optional middle, last; mixed at random, so that nearly all are distinct), with a
nationality and a date of birth from those files on most of them, plus 1% real SDN names
(half of them altered by a typo) with their current hits on the old version, so that there
are hits, removed and dropped ones to report. Then a sanity check: every alert the full
index finds on an added or grown entry must be found by the diff index too.

    .venv/bin/python benchmarks/rescreening.py            # 100,000 parties
    .venv/bin/python benchmarks/rescreening.py --quick    # 5,000 parties
    .venv/bin/python benchmarks/rescreening.py --parties 20000

No database: the parsers and the matcher only (the service's database part — reading the
diff's entries from two versions — is two queries; `ListChange.from_version`). Target: 100,000
parties in well under 2 minutes. The last line holds the key figures.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = Path(os.environ.get("TATARA_SCREENING_DATA", ROOT.parent / "shared" / "data" / "screening"))
SDN_OLD = DATA / "lists" / "ofac_sdn_2024-01-08" / "sdn.csv"
SDN_NEW = DATA / "lists" / "ofac_sdn_2024-05-03" / "sdn.csv"
NEGATIVES = [DATA / "dev" / "negatives_global_1k.csv", DATA / "dev" / "negatives_us_1k.csv"]
SEED = 20240503
SOURCE = "ofac-sdn"
TARGET_SECONDS = 120.0


def log(text: str) -> None:
    print(text, flush=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tatara.config.settings")
    os.environ.setdefault("TATARA_TESTING", "1")
    import django

    django.setup()


def read_versions() -> tuple[dict[str, Any], dict[str, Any], Any]:
    """(old records, new records, ListDiff) by entry id, as `load_list` would compute them."""
    from tatara.screening.services import compute_diff, fingerprint
    from tatara.screening.sources import ofac

    started = time.perf_counter()
    old = {r.entry_id: r for r in ofac.parse_sdn(SDN_OLD)}
    new = {r.entry_id: r for r in ofac.parse_sdn(SDN_NEW)}
    diff = compute_diff(
        {k: fingerprint(r) for k, r in old.items()},
        {k: fingerprint(r) for k, r in new.items()},
    )
    log(
        f"read SDN 2024-01-08 ({len(old):,} entries) and 2024-05-03 ({len(new):,}) and their "
        f"diff in {time.perf_counter() - started:.1f} s: added {len(diff.added):,}, removed "
        f"{len(diff.removed):,}, changed {len(diff.changed):,}"
    )
    return old, new, diff


def typo(name: str, rnd: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 6:
        return name
    i = rnd.choice(letters[1:-1])
    return name[:i] + name[i + 1 :]


def make_parties(count: int, old: dict[str, Any], new: dict[str, Any], diff: Any) -> list[Any]:
    from tatara.screening.name_screening import PartyQuery

    rnd = random.Random(SEED)
    people = [row for path in NEGATIVES for row in csv.DictReader(path.open(encoding="utf-8"))]
    firsts = [p["first_name"] for p in people if p["first_name"]]
    middles = [p["middle_name"] for p in people if p["middle_name"]]
    lasts = [p["last_name"] for p in people if p["last_name"]]
    parties = []
    listed = max(1, count // 100)
    # 1% list names: from entries added, changed or removed by the update, and unchanged ones
    touched = list(diff.added) + list(diff.changed) + list(diff.removed)
    unchanged = sorted(old.keys() & new.keys() - set(diff.changed))
    for n in range(listed):
        pool = list(diff.removed) if n % 10 == 1 else touched if n % 2 else unchanged
        entry_id = rnd.choice(pool)
        record = new.get(entry_id) or old[entry_id]
        name = record.name if n % 4 < 2 else typo(record.name, rnd)
        hits = [(SOURCE, entry_id)] if entry_id in old else []
        parties.append(PartyQuery.of(f"L{n}", name, kind=record.kind, hits=hits))
    for n in range(count - listed):
        parts = [rnd.choice(firsts)]
        if rnd.random() < 0.3:
            parts.append(rnd.choice(middles))
        parts.append(rnd.choice(lasts))
        person = rnd.choice(people)
        evidence = rnd.random() < 0.7
        parties.append(
            PartyQuery.of(
                f"P{n}",
                " ".join(parts),
                country=person["nationality"] if evidence else None,
                birth_date=person["date_of_birth"] if evidence else None,
                kind="person",
            )
        )
    rnd.shuffle(parties)
    return parties


def cold() -> None:
    """Empty the matcher's caches (normalised names, token similarities), so that neither
    way profits from the other having run first."""
    from tatara.screening.matching import clear_caches

    clear_caches()


def run(
    title: str, old: dict[str, Any], new: dict[str, Any], diff: Any, parties: list[Any]
) -> dict[str, Any]:
    from tatara.screening import name_screening
    from tatara.screening.matching import ALERT_THRESHOLD, MatchIndex, MatchRecord

    log(
        f"\n=== {title}: added {len(diff.added):,}, removed {len(diff.removed):,}, changed {len(diff.changed):,}"
    )
    # -- ours: the diff index --
    cold()
    started = time.perf_counter()
    wanted = set(diff.added) | set(diff.changed)
    change = name_screening.ListChange(
        source=SOURCE,
        version_id=None,
        diff=diff,
        list_name="OFAC SDN",
        new_records={e: MatchRecord.from_list_record(new[e], SOURCE) for e in wanted if e in new},
        old_records={e: MatchRecord.from_list_record(old[e], SOURCE) for e in diff.changed},
    )
    grown, shrunk = change.split()
    grown_index, shrunk_index = change.indexes()
    t_index = time.perf_counter() - started
    log(
        f"ours: index of the diff: {len(grown):,} entries to screen against "
        f"({len(grown_index):,} names), {len(shrunk):,} changed entries that only lost names "
        f"({len(shrunk_index):,} names; checked for their current hitters only); "
        f"built in {t_index:.1f} s"
    )
    t0 = time.perf_counter()
    outcome = name_screening.rescreen_against_change(change, parties)
    t_screen = time.perf_counter() - t0
    ours = t_index + t_screen
    alerts = sum(1 for r in outcome.hits.values() if r.alerts)
    log(
        f"  re-screened {outcome.parties:,} parties ({outcome.queries:,} queries) in {t_screen:.1f} s; "
        f"total {ours:.1f} s ({outcome.parties / ours:,.0f} parties/s)"
    )
    log(
        f"  parties with hits on added/changed entries: {len(outcome.hits):,} ({alerts:,} with "
        f"an alert); existing hits on removed entries: {len(outcome.removed):,} parties; "
        f"on changed entries no longer matched: {len(outcome.dropped):,} parties"
    )

    # -- baseline: the full index of the new version --
    cold()
    t0 = time.perf_counter()
    full = MatchIndex.build([MatchRecord.from_list_record(r, SOURCE) for r in new.values()])  # type: ignore[misc]
    t_full_index = time.perf_counter() - t0
    log(
        f"baseline: full index of the new version ({len(full):,} names) built in {t_full_index:.1f} s"
    )
    t0 = time.perf_counter()
    memo: dict[tuple[Any, ...], list[Any]] = {}
    full_alerts: dict[str, set[str]] = {}
    for party in parties:
        for name in party.names:
            key = (name, party.country, party.birth_date, party.kind)
            hits = memo.get(key)
            if hits is None:
                hits = memo[key] = full.screen(
                    name, country=party.country, birth_date=party.birth_date, kind=party.kind
                )
            for hit in hits:
                if hit.score >= ALERT_THRESHOLD:
                    full_alerts.setdefault(str(party.key), set()).add(hit.entry_id)
    t_full_screen = time.perf_counter() - t0
    baseline = t_full_index + t_full_screen
    log(
        f"  screened {len(parties):,} parties ({len(memo):,} queries) in {t_full_screen:.1f} s; "
        f"total {baseline:.1f} s ({len(parties) / baseline:,.0f} parties/s)"
    )

    # -- sanity: alerts on grown entries found by the full index are found by ours --
    grown_ids = {r.entry_id for r in grown}
    missed = expected = 0
    for key, entries in full_alerts.items():
        want = entries & grown_ids
        expected += len(want)
        got = outcome.hits.get(key)
        found = {h.list_entry_id for h in got.hits} if got else set()
        missed += len(want - found)
    ratio = baseline / ours if ours else float("inf")
    log(
        f"sanity: {expected:,} alerts of the full index on added/grown entries; missed by the "
        f"diff index: {missed}{'' if not missed else '  SANITY FAILED'}"
    )
    log(f"ratio full/diff: {ratio:.1f}x")
    return {
        "diff_entries": len(grown),
        "index": t_index,
        "ours": ours,
        "full": baseline,
        "ratio": ratio,
        "missed": missed,
        "queries": outcome.queries,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 parties")
    parser.add_argument("--parties", type=int, help="number of parties (default 100,000)")
    args = parser.parse_args()
    count = args.parties or (5_000 if args.quick else 100_000)
    log(
        f"rescreening: {count:,} parties; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"
    )
    setup_django()
    from tatara.screening.signals import ListDiff

    old, new, diff = read_versions()
    parties = make_parties(count, old, new, diff)
    distinct = len({(p.names, p.country, p.birth_date, p.kind) for p in parties})
    log(f"{len(parties):,} parties ({distinct:,} distinct queries)")

    real = run("A. the real snapshots (2024-01-08 -> 2024-05-03)", old, new, diff, parties)
    # A typical update: the same additions and removals, the other entries as they were (the
    # 2024-05-03 snapshot lacks alt.csv/add.csv, which "changes" two thirds of the list).
    typical_new = {k: r for k, r in old.items() if k not in set(diff.removed)}
    typical_new.update({k: new[k] for k in diff.added})
    typical = run(
        "B. a typical update (the same additions and removals only)",
        old,
        typical_new,
        ListDiff(added=diff.added, removed=diff.removed),
        parties,
    )
    met = "yes" if max(real["ours"], typical["ours"]) < TARGET_SECONDS else "no"
    log(f"\nload average now {os.getloadavg()[0]:.2f}")
    log(
        f"rescreening: parties={len(parties)} "
        f"real: diff_entries={real['diff_entries']} rescreen={real['ours']:.1f}s "
        f"full={real['full']:.1f}s ratio={real['ratio']:.1f}x | "
        f"typical: diff_entries={typical['diff_entries']} rescreen={typical['ours']:.1f}s "
        f"full={typical['full']:.1f}s ratio={typical['ratio']:.1f}x | "
        f"missed={real['missed'] + typical['missed']} target<{TARGET_SECONDS:.0f}s:{met}"
    )


if __name__ == "__main__":
    main()
