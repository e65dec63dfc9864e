"""The screening index: built once per list version, queried per name.

Build (:meth:`MatchIndex.build`): every primary name and alias is normalised once. The
distinct tokens form a vocabulary; each token has a posting list of the names that hold
it. Three small maps lead from a query token to vocabulary tokens without a scan:

* the token itself and its variant key (``mohamed`` → every spelling of ``muhammad``);
* a *deletion neighbourhood* (SymSpell): every token of four letters or more is filed
  under itself and each string made by deleting one letter. A query token's own deletions
  looked up there find every vocabulary token within one edit, and the common two-edit
  cases (one deletion on each side: a substitution plus an insertion, a transposition);
* the consonant skeleton, for query tokens written in an abjad (Arabic ``mhmd``) and for
  Latin ones of five letters or more (spellings apart in their vowels: Sierra / Syrra).

Two neighbouring tokens of each list name are also filed glued ("abd allah" under
``abdallah``, in posting lists of their own), so a query that writes them as one word still
reaches the name.

Query (:meth:`MatchIndex.screen`): each query token's vocabulary matches are scored with the
same token similarity as the scorer; their posting lists add the token's weight × similarity
to each name, once per name by the token's best match there (rarest tokens first; a very
common token, and a particle when the query has real words, only add to names already
reached; a word the query gives twice counts twice only for names holding it twice). Two
query words glued count only against a list word neither meets alone ("patr ushev" ~
``patrushev``). The best ``RETRIEVE`` names by the score that sum would give them — the
query's unmatched weight and the name's own unmatched weight costing as in the scorer, an
initial counting for names with a word of its letter — go to the full scorer
(:func:`scorer.score_names`), then evidence (country, birth date, kind) moves the score,
and the best name per list entry becomes a :class:`Hit`. Entries whose matched names have
the same words and the same score form a name group (``Hit.group``) and stay together;
ties go to the entry that carries the name as its primary name (:meth:`_rank_hits`).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, Final

from .countries import country_key
from .estimate import letters_mask, rank
from .evidence import (
    BIRTH_DATE_MATCH,
    COUNTRY_MATCH,
    PERSON,
    WEAK_ALIAS,
    DateTuple,
    date_tuple,
    evidence,
    name_reasons,
)
from .normalize import (
    ABJAD,
    INITIAL,
    LATIN,
    NORMAL,
    PARTICLE,
    SYLLABIC,
    NormName,
    normalize,
)
from .normalize import (
    clear_caches as clear_normalize_caches,
)
from .records import (
    REPORT_THRESHOLD,
    Hit,
    RecordLike,
)
from .scorer import WEIGHTS, NameScore, score_names
from .similarity import MIN_TOKEN_SIM, token_similarity
from .similarity import clear_cache as clear_similarity_cache
from .spellings import fold, skeleton, skeleton_w
from .words import VARIANTS

#: Names handed from retrieval to the full scorer per query.
RETRIEVE: Final = 20
#: A token filed under more names than this only adds to names reached by rarer tokens.
COMMON_POSTINGS: Final = 1500
#: Query tokens whose vocabulary matches are remembered before the memory starts afresh.
MATCH_CACHE: Final = 100_000
#: Latin query tokens this long also look up their consonant skeleton: two spellings apart
#: in their vowels only (Sierra / Syrra) are two edits, which the scorer allows from six
#: letters but one deletion on each side does not reach; shorter skeletons select too little.
SKELETON_MIN: Final = 5
#: Latin tokens whose folded form is this long are also filed (and looked up) by the folded
#: form's deletions: the scorer's typo-after-folding needs five letters on both sides.
FOLD_DELETE_MIN: Final = 5

#: Countries whose people's names have no optional parts (CJK: every syllable of a given name
#: counts; see the scorer's note on CJK names).
_NO_OPTIONAL_PARTS: Final = frozenset({"CN", "KP", "KR", "TW", "HK", "MO", "JP", "VN", "SG"})

#: A retrieval group, one per query token (or two glued): (names walked, query token weight,
#: [(vocabulary token, similarity, posting list)] best first, whether glued names are walked).
_Group = tuple[int, float, list[tuple[int, float, list[int]]], bool]


# --- the index -------------------------------------------------------------------------------


def _group_order(group: _Group) -> tuple[int, float]:
    """Smallest groups first, then the heavier query token."""
    return (group[0], -group[1])


def _optional_parts(name: str, norm: NormName) -> tuple[bool, ...] | None:
    """Which tokens of a listed person's name are middle names or a patronymic: in "FAMILY,
    Given Second Third" all given words after the first ordinary one; without a comma, the
    words between the first and the last. None when the name has no such parts (or its parts
    do not line up with its tokens)."""
    n = len(norm.tokens)
    if "," in name:
        f = normalize(name.partition(",")[0])
        nf = len(f.tokens)
        if norm.tokens[:nf] != f.tokens or n - nf < 2:
            return None
        given = norm.classes[nf:]
        first = next((k for k, c in enumerate(given) if c == NORMAL), 0)
        return (False,) * nf + tuple(k > first for k in range(n - nf))
    if n < 3:
        return None
    return tuple(0 < k < n - 1 and norm.classes[k] == NORMAL for k in range(n))


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class MatchIndex:
    """An in-memory index of list names (see the module docstring)."""

    def __init__(self) -> None:
        self.records: list[RecordLike] = []
        self.record_countries: list[frozenset[str]] = []
        self.record_births: list[tuple[DateTuple, ...]] = []
        self.names: list[NormName] = []
        self.name_record: list[int] = []
        self.name_weak: list[bool] = []
        self.name_primary: list[bool] = []  # the record's primary name (its first)
        self.name_weight: list[float] = []  # total token weight, for the retrieval bound
        self.name_filed: list[tuple[int, ...]] = []  # ids of its tokens
        self.name_glued: list[tuple[int, ...]] = []  # ids of its glued neighbours
        self.name_letters: list[int] = []  # bit mask of its words' first letters
        #: per name, for listed persons: which tokens are middle names (cheap to leave out)
        self.name_optional: list[tuple[bool, ...] | None] = []
        self.vocab: dict[str, int] = {}
        self.tokens: list[str] = []
        self.token_folds: list[str] = []  # token id -> its fold (spellings.fold)
        self.postings: list[list[int]] = []  # token id -> names holding the token
        self.glued: dict[int, list[int]] = {}  # token id -> names holding it as two words
        self.by_variant: dict[str, list[int]] = {}
        self.by_delete: dict[str, list[int]] = {}
        self.by_skeleton: dict[str, list[int]] = {}
        self.by_fold: dict[str, list[int]] = {}
        self.by_skeleton_w: dict[str, list[int]] = {}  # abjad skeleton keeping w/v
        #: query token and script -> its vocabulary matches (see :meth:`_token_matches`)
        self._matches: dict[tuple[str, int], dict[int, float]] = {}

    # -- build --

    @classmethod
    def build(cls, records: Iterable[RecordLike]) -> MatchIndex:
        index = cls()
        for record in records:
            index._add(record)
        index._finish()
        return index

    def _token_id(self, token: str) -> int:
        tid = self.vocab.get(token)
        if tid is None:
            tid = len(self.tokens)
            self.vocab[token] = tid
            self.tokens.append(token)
            self.postings.append([])
        return tid

    def _add(self, record: RecordLike) -> None:
        ri = len(self.records)
        self.records.append(record)
        self.record_countries.append(frozenset(country_key(c) for c in record.countries if c))
        births = (date_tuple(b) for b in record.birth_dates)
        self.record_births.append(tuple(b for b in births if b))
        seen: set[tuple[str, ...]] = set()
        for position, (name, quality) in enumerate(record.names):
            norm = normalize(name)
            if norm.is_empty or norm.tokens in seen:
                continue
            seen.add(norm.tokens)
            ni = len(self.names)
            self.names.append(norm)
            self.name_record.append(ri)
            self.name_weak.append(quality == "weak")
            self.name_primary.append(position == 0)
            self.name_weight.append(sum((WEIGHTS[c] for c in norm.classes), 0.0))
            ids = tuple(sorted({self._token_id(token) for token in norm.tokens}))
            for tid in ids:
                self.postings[tid].append(ni)
            pairs = {a + b for a, b in itertools.pairwise(norm.tokens)}
            glued = tuple(sorted({self._token_id(t) for t in pairs} - set(ids)))
            for tid in glued:
                self.glued.setdefault(tid, []).append(ni)
            self.name_filed.append(ids)
            self.name_glued.append(glued)
            self.name_letters.append(letters_mask(norm))
            person = record.kind == PERSON and not (self.record_countries[ri] & _NO_OPTIONAL_PARTS)
            self.name_optional.append(_optional_parts(name, norm) if person else None)

    def _finish(self) -> None:
        self.token_folds = [fold(token) for token in self.tokens]
        for tid, token in enumerate(self.tokens):
            key = VARIANTS.get(token)
            if key is not None:
                self.by_variant.setdefault(key, []).append(tid)
            if len(token) >= 4 and not token.isdigit():
                self.by_delete.setdefault(token, []).append(tid)
                for d in _deletes(token):
                    self.by_delete.setdefault(d, []).append(tid)
            if len(token) >= 2 and not token.isdigit():
                self.by_skeleton.setdefault(skeleton(token, abjad=True), []).append(tid)
                if "w" in token or "v" in token:
                    self.by_skeleton_w.setdefault(skeleton_w(token), []).append(tid)
            if len(token) >= 3 and token.isalpha():
                folded = fold(token)
                if folded != token:
                    self.by_fold.setdefault(folded, []).append(tid)
                    if len(folded) >= FOLD_DELETE_MIN:
                        # a typo once romanisation is folded away (Charicheff ~ Kharichev,
                        # Voroneschski ~ Voronezhski): the folded form's deletions too
                        for d in _deletes(folded) | {folded}:
                            self.by_delete.setdefault(d, []).append(tid)

    def __len__(self) -> int:
        return len(self.names)

    # -- query --

    def _token_matches(self, token: str, script: int) -> dict[int, float]:
        """Vocabulary tokens similar to ``token`` with their similarity (remembered per
        token: a batch repeats its given and family names; never change the dict returned)."""
        cached = self._matches.get((token, script))
        if cached is not None:
            return cached
        if len(self._matches) >= MATCH_CACHE:
            self._matches.clear()
        out = self._matches[(token, script)] = self._find_matches(token, script)
        return out

    def clear_caches(self) -> None:
        """Forget what queries taught: the remembered token matches here, and the caches of
        normalisation and token similarity (for timing from cold)."""
        self._matches.clear()
        clear_normalize_caches()
        clear_similarity_cache()

    def _find_matches(self, token: str, script: int) -> dict[int, float]:
        found: set[int] = set()
        tid = self.vocab.get(token)
        if tid is not None:
            found.add(tid)
        key = VARIANTS.get(token)
        if key is not None:
            found.update(self.by_variant.get(key, ()))
        if len(token) >= 4 and script != SYLLABIC:
            found.update(self.by_delete.get(token, ()))
            for d in _deletes(token):
                found.update(self.by_delete.get(d, ()))
            if script == LATIN and token.isalpha():
                folded = fold(token)
                if folded != token and len(folded) >= FOLD_DELETE_MIN:
                    for d in _deletes(folded) | {folded}:
                        found.update(self.by_delete.get(d, ()))
        if script == ABJAD or (script == LATIN and len(token) >= SKELETON_MIN):
            found.update(self.by_skeleton.get(skeleton(token, abjad=True), ()))
        if script == ABJAD:
            raw = skeleton(token, abjad=True, collapse=False)
            found.update(self.by_skeleton.get(raw, ()))
            if raw[:1] in "wy" and len(raw) > 1:  # ع dropped before a long vowel: عيسى Isa
                found.update(self.by_skeleton.get(raw[1:], ()))
            if "w" in token:
                found.update(self.by_skeleton_w.get(skeleton_w(token, collapse=False), ()))
        if script == LATIN and len(token) >= 3:
            folded = fold(token)
            found.update(self.by_fold.get(folded, ()))
            tid = self.vocab.get(folded)
            if tid is not None:
                found.add(tid)
        out: dict[int, float] = {}
        tokens, folds = self.tokens, self.token_folds
        mine = fold(token) if script == LATIN else ""
        for t in found:
            sim, _how = token_similarity(token, tokens[t], script, mine, folds[t])
            if sim >= MIN_TOKEN_SIM:
                out[t] = sim
        return out

    def candidates(self, query: NormName, limit: int = RETRIEVE) -> list[int]:
        """Name ids worth scoring for ``query``, best first (retrieval only).

        Each query token's vocabulary matches add ``weight × similarity`` to the names that
        hold them (rarest tokens first; a token on more than ``COMMON_POSTINGS`` names, and a
        particle when the query has real words, only add to names already reached). The best
        ``limit`` of the names reached are ranked by the score they would get if what
        matched matched exactly (see :func:`.estimate.rank`)."""
        groups: list[_Group] = []
        toks = query.tokens
        found: list[dict[int, float]] = []
        repeated: list[tuple[float, dict[int, float], int]] = []  # (weight, matches, k-th)
        for i, token in enumerate(toks):
            cls = query.classes[i]
            matches = {} if cls == INITIAL else self._token_matches(token, query.scripts[i])
            found.append(matches)
            k = toks[:i].count(token)
            if matches and k:
                # "Umar Umar": the second one counts only for names holding two such words
                repeated.append((WEIGHTS[cls], matches, k + 1))
            elif matches:
                groups.append(self._group(WEIGHTS[cls], matches, glued=True))
        for i, (a, b) in enumerate(itertools.pairwise(toks)):
            glued = a + b
            if len(glued) >= 4:
                # two query words glued meet one list word that neither meets alone ("patr
                # ushev" ~ patrushev; not "a andrey" ~ andrey), and not two glued list words
                # (those meet the two query words one by one)
                script = max(query.scripts[i], query.scripts[i + 1])
                matches = {
                    t: sim
                    for t, sim in self._token_matches(glued, script).items()
                    if t not in found[i] and t not in found[i + 1]
                }
                if matches:
                    groups.append(self._group(1.0, matches, glued=False))
        groups = [g for g in groups if g[0]]
        if not groups:
            return []
        groups.sort(key=_group_order)
        # particles do not open candidates when the query has real words; they only add to
        # the names the real words reached ("el ahmed" prefers names holding both)
        opening = [g for g in groups if g[1] > WEIGHTS[PARTICLE]]
        trailing = [g for g in groups if g[1] <= WEIGHTS[PARTICLE]]
        if not opening:
            opening, trailing = trailing, []
        acc: dict[int, float] = {}
        for group in opening:
            if group[0] > COMMON_POSTINGS and acc:
                self._add_to_reached(acc, group)
                continue
            _size, weight, walks, _glued = group
            get = acc.get
            if len(walks) == 1:
                _t, sim, plist = walks[0]
                add = weight * sim
                for ni in plist:
                    acc[ni] = get(ni, 0.0) + add
                continue
            # one query token counts once per name, by its best match there (the walk's
            # number kept, a small int, not its similarity: no float made per posting)
            best: dict[int, int] = {}
            for k in range(len(walks)):
                for ni in walks[k][2]:
                    if ni not in best:
                        best[ni] = k
            adds = [weight * sim for _t, sim, _plist in walks]
            for ni, k in best.items():
                acc[ni] = get(ni, 0.0) + adds[k]
        for group in trailing:
            self._add_to_reached(acc, group)
        for weight, matches, k in repeated:
            self._add_repeated(acc, weight, matches, k)
        total = 0.0
        for c in query.classes:
            total += WEIGHTS[c]
        # No name is left out for a score it "cannot reach": a bound from the retrieval sums
        # is not one (the scorer matches what retrieval does not see — two Arabic-script
        # words glued, three list words as one, folded spellings — and measured on the
        # benchmark's 7,100 queries such a bound dropped 65 names that score 0.70 to 0.93).
        if len(acc) <= limit:
            return [n for _a, n in sorted([(-a, n) for n, a in acc.items()])]
        return rank(query, acc, total, limit, self.name_letters, self.name_weight)

    def _group(self, weight: float, matches: dict[int, float], glued: bool) -> _Group:
        """A retrieval group: the posting lists to walk for one query token, best match
        first; ``glued`` also walks the names that hold the match as two glued words."""
        walks: list[tuple[int, float, list[int]]] = []
        for _neg, t in sorted([(-sim, t) for t, sim in matches.items()]):
            sim = matches[t]
            if self.postings[t]:
                walks.append((t, sim, self.postings[t]))
            if glued and t in self.glued:
                walks.append((t, sim, self.glued[t]))
        size = sum(len(plist) for _t, _s, plist in walks)
        return (size, weight, walks, glued)

    def _add_repeated(
        self, acc: dict[int, float], weight: float, matches: dict[int, float], k: int
    ) -> None:
        """A query word given ``k`` times adds its weight again to the names reached that
        hold ``k`` words it matches (a list word is matched once)."""
        sims = {self.tokens[t]: sim for t, sim in matches.items()}
        names = self.names
        for ni in acc:
            held = sorted([sims[t] for t in names[ni].tokens if t in sims], reverse=True)
            if len(held) >= k:
                acc[ni] += weight * held[k - 1]

    def _add_to_reached(self, acc: dict[int, float], group: _Group) -> None:
        """Add a group's ``weight × sim`` (its best token there) to the names already in
        ``acc`` that hold one of its tokens, walking whichever is shorter: the posting lists
        or the names reached."""
        size, weight, walks, glued = group
        if len(acc) * len(walks) < size:
            filed, glued_ids = self.name_filed, self.name_glued
            for ni in acc:
                held = filed[ni]
                held_glued = glued_ids[ni] if glued else ()
                for t, sim, _plist in walks:
                    if t in held or t in held_glued:
                        acc[ni] += weight * sim
                        break
        else:
            done: set[int] = set()
            for _t, sim, plist in walks:
                add = weight * sim
                for ni in plist:
                    if ni in acc and ni not in done:
                        done.add(ni)
                        acc[ni] += add

    def screen(
        self,
        name: str,
        country: str | None = None,
        birth_date: Any = None,
        kind: str | None = None,
        limit: int = 10,
        threshold: float = REPORT_THRESHOLD,
        explain: bool = True,
    ) -> list[Hit]:
        """Ranked hits for one name: best score first, one per list entry, at most ``limit``,
        none below ``threshold``; entries with the same name and score together (one name
        group, ``Hit.group``), primary names first among ties. Evidence: ``country`` (name
        or ISO code), ``birth_date`` (date, "1965-03-01", "1965"), ``kind`` ("person" or
        "entity")."""
        query = normalize(name)
        if query.is_empty:
            return []
        qcountry = country_key(country) if country else None
        qbirth = date_tuple(birth_date)
        best: dict[int, tuple[float, float, int, NameScore]] = {}
        # evidence adds only what was given (a country, a birth date)
        floor = (
            threshold
            - (COUNTRY_MATCH if qcountry else 0.0)
            - (BIRTH_DATE_MATCH if qbirth else 0.0)
            - 0.01
        )
        for ni in self.candidates(query):
            # with the pairs when reasons are wanted, so that the hits need no second scoring
            ns = score_names(
                query,
                self.names[ni],
                explain=explain,
                optional=self.name_optional[ni],
                floor=floor,
            )
            base = ns.score
            if base < floor:
                continue
            ri = self.name_record[ni]
            score = base - (WEAK_ALIAS if self.name_weak[ni] else 0.0)
            score += self._evidence(ri, qcountry, qbirth, kind, query, None)
            score = max(0.0, min(1.0, score))
            if score < threshold:
                continue
            prev = best.get(ri)
            primary = self.name_primary[ni]
            if prev is None or (score, base, primary) > (
                prev[0],
                prev[1],
                self.name_primary[prev[2]],
            ):
                best[ri] = (score, base, ni, ns)
        ranked = self._rank_hits(best)[:limit]
        hits: list[Hit] = []
        for group, ri, (score, base, ni, detail) in ranked:
            record = self.records[ri]
            reasons: tuple[str, ...] = ()
            if explain:
                why: list[str] = []
                self._evidence(ri, qcountry, qbirth, kind, query, why)
                reasons = tuple(name_reasons(detail, self.name_weak[ni]) + why)
            hits.append(
                Hit(
                    score=round(score, 4),
                    name_score=round(base, 4),
                    matched_name=self.names[ni].original,
                    list_code=record.list_code,
                    entry_id=record.entry_id,
                    key=record.key,
                    kind=record.kind,
                    programmes=tuple(record.programmes),
                    reasons=reasons,
                    group=group,
                )
            )
        return hits

    def _evidence(
        self,
        ri: int,
        qcountry: str | None,
        qbirth: DateTuple | None,
        kind: str | None,
        query: NormName,
        why: list[str] | None,
    ) -> float:
        """What the given evidence adds to record ``ri``'s score (reasons into ``why``)."""
        return evidence(
            self.records[ri].kind,
            self.record_countries[ri],
            self.record_births[ri],
            qcountry,
            qbirth,
            kind,
            query,
            why,
        )

    def _rank_hits(
        self, best: dict[int, tuple[float, float, int, NameScore]]
    ) -> list[tuple[int, int, tuple[float, float, int, NameScore]]]:
        """Entries best first, as (name group, record, (score, name score, name, detail)).

        Entries whose matched names have the same words (in any order) and the same score
        form one *name group*: nothing in the query can tell them apart (the same person on
        two lists, a charity's branches under one name). Groups keep together; among groups
        and entries that tie, a name that is an entry's primary name goes first (the list
        knows the entry by it, not only as an alias), then list code and entry id."""
        groups: dict[tuple[float, float, tuple[str, ...]], list[int]] = {}
        for ri, (score, base, ni, _ns) in best.items():
            words = tuple(sorted(self.names[ni].tokens))
            groups.setdefault((score, base, words), []).append(ri)

        def member(ri: int) -> tuple[bool, str, str]:
            record = self.records[ri]
            return (not self.name_primary[best[ri][2]], record.list_code, record.entry_id)

        ordered = []
        for (score, base, _words), members in groups.items():
            members.sort(key=member)
            ordered.append(((-score, -base, member(members[0])), members))
        ordered.sort(key=lambda g: g[0])
        return [
            (group, ri, best[ri]) for group, (_key, members) in enumerate(ordered) for ri in members
        ]
