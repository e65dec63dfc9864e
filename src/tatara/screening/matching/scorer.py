"""Scoring one normalised query name against one normalised list name.

Token level: :func:`.similarity.token_similarity`.

Name level (:func:`score_names`): tokens are aligned one to one, greedily by similarity
(word order does not matter), then unmatched neighbours on one side are tried glued
together against an unmatched token on the other ("Patr ushev" ~ "patrushev",
"Abd Allah" ~ "abdallah"). Each token weighs by class: ordinary words and numbers 1,
initials 0.35, generic company words 0.35, particles (al, bin, de, …) 0.2. The score is a
weighted Dice coefficient in which tokens left over count less on the list side than on the
query side (a list name often carries a patronymic or a second given name the customer
file lacks), and an ordinary token left over on *both* sides is a different name part
(a conflict)::

    score = Σ s·(w_q + w_l) / (Σ (w_q + w_l) + EXTRA_QUERY·Σ w_q(unmatched)
                               + EXTRA_LIST·Σ w_l(unmatched) + CONFLICT·Σ w(conflicts))

When either name is written in CJK or Hangul, a list token left over costs like a query
token (``EXTRA_QUERY``): those names have no optional parts, a syllable more is another
given name (林静 Lin Jing is not Lin Jing He). A name whose matched tokens are only
particles, generic words or initials scores at most half. Legal forms never match by
themselves: a different legal-form class on both sides costs ``LEGAL_MISMATCH``.
"""

from __future__ import annotations

from typing import Final

from .normalize import (
    ABJAD,
    FORM_WORD,
    GENERIC,
    INITIAL,
    LATIN,
    NUMBER,
    PARTICLE,
    SYLLABIC,
    NormName,
)
from .records import NameScore, Pair
from .similarity import (
    ABBREV_SIM,
    ABBREVIATION,
    EXACT,
    INITIAL_MATCH,
    JOINED,
    VARIANT,
    contracts,
    edit_budget,
    pair_script,
    token_similarity,
)
from .spellings import fold, skeleton
from .words import WEAK_DESCRIPTIVE, WEAK_NAME_PART

WEIGHTS: Final = {0: 1.0, PARTICLE: 0.2, GENERIC: 0.35, INITIAL: 0.35, NUMBER: 1.0, FORM_WORD: 0.15}
EXTRA_QUERY: Final = 0.85  # weight of a query token the list name lacks
EXTRA_LIST: Final = 0.45  # weight of a list-name token the query lacks
CONFLICT: Final = 2.0  # weight of an unmatched ordinary token on each side (a different name part)
LEGAL_MISMATCH: Final = 0.04
#: Legal-form classes that say nothing against another: the bare word "company".
_ANY_FORM: Final = "@company"
#: A list token left over that is one of a listed person's middle names or patronymic costs
#: this much (the family name and the first given name cost EXTRA_LIST): a customer file
#: writes "Given FAMILY" for "FAMILY, Given Second Third".
EXTRA_OPTIONAL: Final = 0.12
#: Weak names: a match made only of weak words (data/weak_words.yaml), generic words,
#: particles and initials stops here unless nothing is left over on either side.
WEAK_CAP: Final = 0.80


def _weights(name: NormName) -> list[float]:
    return [WEIGHTS[c] for c in name.classes]


def _glue_pass(
    q: NormName,
    c: NormName,
    q_free: list[int],
    c_free: list[int],
    abjad: int,
    glued_side_is_query: bool,
) -> list[tuple[float, list[int], int, str, str]]:
    """Try runs of 2-3 adjacent unmatched tokens on one side, glued, against one unmatched
    token on the other. Returns (sim, glued positions, other position, glued, other)."""
    side, other = (q, c) if glued_side_is_query else (c, q)
    free, other_free = (q_free, c_free) if glued_side_is_query else (c_free, q_free)
    free_set = set(free)
    found: list[tuple[float, list[int], int, str, str]] = []
    for start in free:
        for size in (2, 3):
            run = list(range(start, start + size))
            if not _all_in(run, free_set):
                break
            glued = "".join([side.tokens[i] for i in run])
            for j in other_free:
                target = other.tokens[j]
                if abs(len(glued) - len(target)) > 2 or glued[0] != target[0]:
                    continue
                sim, _ = token_similarity(glued, target, abjad)
                if sim >= 0.8:
                    found.append((sim, run, j, glued, other.tokens[j]))
    return found


_Unit = tuple[float, int, tuple[int, ...], tuple[int, ...], str]


# Small loops written out: the compiled matcher (decision 0022) runs a loop in C, while a
# generator expression or a lambda becomes an object made on every call.


def _all_in(items: list[int], among: set[int]) -> bool:
    for i in items:  # noqa: SIM110 (a loop: see above)
        if i not in among:
            return False
    return True


def _any_used(used: list[bool], at: tuple[int, ...] | list[int]) -> bool:
    for i in at:  # noqa: SIM110
        if used[i]:
            return True
    return False


def _sum_at(weights: list[float], at: tuple[int, ...] | list[int]) -> float:
    total = 0.0
    for i in at:
        total += weights[i]
    return total


def _real_level(
    classes: tuple[int, ...], weak: tuple[int, ...], at: tuple[int, ...]
) -> tuple[bool, int]:
    """Whether a unit holds an ordinary word or number, and the highest weak level of those
    (9 when none)."""
    real = False
    level = -1
    for i in at:
        if classes[i] in _REAL:
            real = True
            if weak[i] > level:
                level = weak[i]
    return real, (level if real else 9)


def _count_whole(weights: list[float]) -> int:
    n = 0
    for w in weights:
        if w >= 1.0:
            n += 1
    return n


def _glue_order(t: tuple[float, list[int], int, str, str]) -> tuple[float, list[int], int]:
    return (-t[0], t[1], t[2])


_REAL: Final = frozenset((0, NUMBER))


def _pair_candidates(q: NormName, c: NormName) -> list[_Unit]:
    """Every token pair that matches, as an alignment unit: (-similarity, 0, (query
    position,), (list position,), how) — negated so that a plain sort puts the best first."""
    nq, nc = len(q.tokens), len(c.tokens)
    qt, ct = q.tokens, c.tokens
    qk, ck = q.keys, c.keys
    q_abbr = q.abbreviated or (0,) * nq
    c_abbr = c.abbreviated or (0,) * nc
    c_weak = c.weak or (0,) * nc
    q_weak = q.weak or (0,) * nq
    cand: list[_Unit] = []
    c_scripts = c.scripts
    q_folds = q.folds or tuple(fold(t) for t in qt)
    c_folds = c.folds or tuple(fold(t) for t in ct)
    c_lens = [len(b) for b in ct]
    for i in range(nq):
        a = qt[i]
        qi = (i,)
        la = len(a)
        ab = q.scripts[i]
        ka = qk[i]
        fa = q_folds[i]
        for j in range(nc):
            b = ct[j]
            if a == b:
                cand.append((-1.0, 0, qi, (j,), EXACT))
                continue
            if ka == ck[j]:
                cand.append((-0.95, 0, qi, (j,), VARIANT))
                continue
            lb = c_lens[j]
            cs = c_scripts[j]
            if ab == cs:
                abj = SYLLABIC if ab == SYLLABIC else LATIN
            else:
                abj = SYLLABIC if ab == SYLLABIC or cs == SYLLABIC else ABJAD
            sim, how = 0.0, ""
            # cheap rejections before the edit distance: first letters and lengths
            if (la == 1 or lb == 1) and abj != ABJAD:
                if a[0] != b[0]:
                    continue
                sim, how = token_similarity(a, b, abj, fa, c_folds[j])
            elif abj or abs(la - lb) <= edit_budget(la if la > lb else lb) or fa == c_folds[j]:
                sim, how = token_similarity(a, b, abj, fa, c_folds[j])
            # an abbreviation against a word it contracts (either side may be the short one)
            if (
                sim < ABBREV_SIM
                and abj == LATIN
                and (
                    (q_abbr[i] and contracts(a, b) and (q_abbr[i] > 1 or c_weak[j]))
                    or (c_abbr[j] and contracts(b, a) and (c_abbr[j] > 1 or q_weak[i]))
                    # a descriptive word cut short (Pharma, Chem, Tech): the start of it
                    or (c_weak[j] == WEAK_DESCRIPTIVE and _truncates(a, b))
                    or (q_weak[i] == WEAK_DESCRIPTIVE and _truncates(b, a))
                )
            ):
                sim, how = ABBREV_SIM, ABBREVIATION
            if sim:
                cand.append((-sim, 0, qi, (j,), how))
    return cand


def _truncates(short: str, word: str) -> bool:
    """Whether ``short`` is ``word`` cut short: its first four letters or more, three or more
    letters left out (Pharma ~ pharmaceutical, Chem ~ chemical, Tech ~ technology)."""
    return len(short) >= 4 and len(word) >= len(short) + 3 and word.startswith(short)


def _glued_candidates(side: NormName, other: NormName, script: int) -> list[tuple[float, int, int]]:
    """(similarity, first of two neighbours on ``side``, position on ``other``): two
    neighbouring tokens written as one word on the other side (Al Mashrek ~ Almashrek,
    Chang-su ~ Changsu). They compete with single matches, so that "almashrek" pairs with
    "al mashrek" rather than with "mashrek" alone."""
    found: list[tuple[float, int, int]] = []
    if not side.has_short and side.folds:
        return found
    toks, others = side.tokens, other.tokens
    abjad = script == ABJAD
    for i in range(len(toks) - 1):
        left, right = toks[i], toks[i + 1]
        # one of them short (a particle, a syllable): two long words glued are the old glue
        # pass's business, after the alignment
        if min(len(left), len(right)) > 3 or len(left) + len(right) < 4:
            continue
        glued = left + right
        for j, target in enumerate(others):
            if abjad:  # lengths and first letters differ with the vowels: compare skeletons
                if abs(len(skeleton(glued, True)) - len(skeleton(target, True))) > 1:
                    continue
            elif abs(len(glued) - len(target)) > 2 or glued[0] != target[0]:
                continue
            sim, _ = token_similarity(glued, target, script)
            if sim >= 0.8:
                found.append((sim, i, j))
    return found


def _upper_bound(
    q: NormName,
    c: NormName,
    units: list[_Unit],
    wq: list[float],
    wc: list[float],
    optional: tuple[bool, ...] | None,
    script: int,
) -> float:
    """A score the name cannot exceed, from its possible matches alone (no alignment).

    Each token is counted on its own: matched by any unit that holds it, it adds ``sim × w``
    above and ``w`` below (an initial's pair only the smaller weight, as in the scorer); left
    over, at least ``EXTRA_QUERY × w`` below on the query side and ``EXTRA_LIST``
    (``EXTRA_OPTIONAL`` for a middle name) on the list side — conflicts and CJK names cost
    more. The glue pass's units are looked for over all tokens (:func:`_glue_fits`). Any
    one-to-one alignment is one choice per token, so the best ratio over free choices
    (Dinkelbach's iteration) bounds the ratio the scorer computes, and the caps after it
    (weak names, only weak words matched, legal forms) only lower it."""
    nq, nc = len(wq), len(wc)
    n = nq + nc
    weight = wq + wc
    best = [0.0] * n  # best similarity of a unit at the token's full weight
    initials: list[tuple[int, float, float]] = []  # (token, sim × m, m) of initials' pairs
    for neg_sim, glued, qi, cj, how in units:
        sim = -neg_sim
        if not glued and how == INITIAL_MATCH:
            i, j = qi[0], nq + cj[0]
            m = weight[i] if weight[i] < weight[j] else weight[j]
            initials.append((i, sim * m, m))
            initials.append((j, sim * m, m))
            continue
        for i in qi:
            if sim > best[i]:
                best[i] = sim
        for j in cj:
            if sim > best[nq + j]:
                best[nq + j] = sim
    if n > 2:
        _glue_fits(q.tokens, c.tokens, script, best, 0, nq)
        _glue_fits(c.tokens, q.tokens, script, best, nq, 0)
    opt = optional or (False,) * nc
    left = [EXTRA_QUERY * w for w in wq]
    for j in range(nc):
        left.append((EXTRA_OPTIONAL if opt[j] else EXTRA_LIST) * wc[j])
    ratio = 0.0
    for _round in range(50):
        num = 0.0
        den = 0.0
        for k in range(n):
            # the token's best choice at this ratio: left over, or matched
            k_den = left[k]
            k_num = 0.0
            k_gain = -ratio * k_den
            sim = best[k]
            if sim > 0.0:
                w = weight[k]
                gain = (sim - ratio) * w
                if gain > k_gain:
                    k_gain, k_num, k_den = gain, sim * w, w
            if initials:
                for t, o_num, o_den in initials:
                    if t == k and o_num - ratio * o_den > k_gain:
                        k_gain, k_num, k_den = o_num - ratio * o_den, o_num, o_den
            num += k_num
            den += k_den
        new = num / den if den else 0.0
        if new <= ratio + 1e-12:
            break
        ratio = new
    return ratio


def _glue_fits(
    side: tuple[str, ...],
    other: tuple[str, ...],
    script: int,
    best: list[float],
    at: int,
    other_at: int,
) -> None:
    """Raise ``best`` for the units the glue pass could make over all tokens (it sees only
    those left unmatched): a run of 2–3 neighbours on ``side``, glued, against a token of
    ``other`` with the same first letter, a length within two and a similarity of 0.8 or
    more (``_glue_pass``). ``at`` and ``other_at`` are the sides' offsets in ``best``."""
    for start in range(len(side) - 1):
        length = len(side[start])
        first = side[start][0]
        for end in range(start + 1, min(start + 3, len(side))):
            length += len(side[end])
            for j, target in enumerate(other):
                if target[0] != first or abs(length - len(target)) > 2:
                    continue
                sim, _how = token_similarity("".join(side[start : end + 1]), target, script)
                if sim < 0.8:
                    continue
                for i in range(start, end + 1):
                    if sim > best[at + i]:
                        best[at + i] = sim
                if sim > best[other_at + j]:
                    best[other_at + j] = sim


def score_names(
    q: NormName,
    c: NormName,
    explain: bool = False,
    optional: tuple[bool, ...] | None = None,
    floor: float = 0.0,
) -> NameScore:
    """Score query name ``q`` against list name ``c`` (see the module docstring).
    ``optional`` marks the list name's tokens that may be left out at a lower cost (a listed
    person's middle names; :class:`~.index.MatchIndex` knows which names are persons').
    With a ``floor``, a name that cannot reach it (:func:`_upper_bound`) is not aligned: the
    score returned is then that bound, below ``floor``, with nothing matched."""
    nq, nc = len(q.tokens), len(c.tokens)
    if not nq or not nc:
        return NameScore(0.0, (), q.tokens, c.tokens, False, True)
    qt, ct = q.tokens, c.tokens
    wq, wc = _weights(q), _weights(c)
    any_script = pair_script(max(q.scripts), max(c.scripts))
    # every match: one token to one token, or two neighbours glued to one token; best first,
    # and at equal similarity a glued unit first (it accounts for more of the name: "albir"
    # takes "al bir" before "al" takes "al")
    units = _pair_candidates(q, c)
    if nq > 1 or nc > 1:
        units += [
            (-sim, -1, (i, i + 1), (j,), JOINED)
            for sim, i, j in _glued_candidates(q, c, any_script)
        ]
        units += [
            (-sim, -1, (i,), (j, j + 1), JOINED)
            for sim, j, i in _glued_candidates(c, q, any_script)
        ]
    if floor > 0.0:
        bound = _upper_bound(q, c, units, wq, wc, optional, any_script)
        if bound < floor:
            return NameScore(bound, (), qt, ct, False, True)
    units.sort()
    q_used = [False] * nq
    c_used = [False] * nc
    num = 0.0
    den = 0.0
    strong = False
    distinctive = False
    inexact = 0
    matched_words = 0
    name_parts = 0  # matched pairs of common given or family names
    matched_tokens = 0  # matched units of any class but initials
    single_level = 0  # the weak level of the (last) real word matched
    pairs: list[Pair] = []
    q_weak = q.weak or (0,) * nq
    c_weak = c.weak or (0,) * nc
    q_cls, c_cls = q.classes, c.classes
    for neg_sim, glued, qi, cj, how in units:
        sim = -neg_sim
        if glued:
            if _any_used(q_used, qi) or _any_used(c_used, cj):
                continue
            for i in qi:
                q_used[i] = True
            for j in cj:
                c_used[j] = True
            w = _sum_at(wq, qi) + _sum_at(wc, cj)
            real_q, level_q = _real_level(q_cls, q_weak, qi)
            real_c, level_c = _real_level(c_cls, c_weak, cj)
        else:
            i, j = qi[0], cj[0]
            if q_used[i] or c_used[j]:
                continue
            q_used[i] = c_used[j] = True
            # an initial holds one letter of the word it stands for: the pair weighs as two
            # initials, the rest of the word is neither for nor against ("Y. Abu Obeida" is
            # nearer "Youcef Abu Obeida" than "Abu Obeida", not farther)
            w = 2.0 * min(wq[i], wc[j]) if how == INITIAL_MATCH else wq[i] + wc[j]
            real_q = q_cls[i] in _REAL
            real_c = c_cls[j] in _REAL
            level_q = q_weak[i] if real_q else 9
            level_c = c_weak[j] if real_c else 9
        num += sim * w
        den += w
        if how != INITIAL_MATCH:
            matched_tokens += 1
            if real_q or real_c:
                strong = True
                matched_words += 1
                if sim < 1.0:
                    inexact += 1
                if real_q and real_c:
                    # a glued unit's particle ("al" of Al Mashrek) neither adds nor takes away
                    level = level_q if level_q > level_c else level_c
                    if level == 0:
                        distinctive = True
                    elif level == WEAK_NAME_PART:
                        name_parts += 1
                    single_level = level
        if explain:
            pairs.append(
                Pair(" ".join([qt[i] for i in qi]), " ".join([ct[j] for j in cj]), sim, how)
            )
    q_free = [i for i in range(nq) if not q_used[i]]
    c_free = [j for j in range(nc) if not c_used[j]]
    if q_free and c_free and (len(q_free) > 1 or len(c_free) > 1):
        for glued_query in (True, False):
            for sim, run, j, _glued, other in sorted(
                _glue_pass(q, c, q_free, c_free, any_script, glued_query),
                key=_glue_order,
            ):
                run_used = q_used if glued_query else c_used
                other_used = c_used if glued_query else q_used
                if _any_used(run_used, run) or other_used[j]:
                    continue
                for i in run:
                    run_used[i] = True
                other_used[j] = True
                run_w = _sum_at(wq if glued_query else wc, run)
                w = run_w + (wc if glued_query else wq)[j]
                num += sim * w
                den += w
                strong = True
                distinctive = True
                matched_words += 1
                if explain:
                    if glued_query:
                        pairs.append(Pair(" ".join([qt[i] for i in run]), other, sim, JOINED))
                    else:
                        pairs.append(Pair(other, " ".join([ct[i] for i in run]), sim, JOINED))
            q_free = [i for i in range(nq) if not q_used[i]]
            c_free = [j for j in range(nc) if not c_used[j]]
            if not q_free or not c_free:
                break
    opt = optional or (False,) * nc
    left_q = sorted([wq[i] for i in range(nq) if not q_used[i]], reverse=True)
    left_c = sorted([wc[j] for j in range(nc) if not c_used[j] and not opt[j]], reverse=True)
    left_opt = sorted([wc[j] for j in range(nc) if not c_used[j] and opt[j]], reverse=True)
    # as many unmatched ordinary tokens as both sides have are conflicts, the rest extras; a
    # listed person's middle name conflicts only with a query word left over too
    ordinary_q = _count_whole(left_q)
    k = min(ordinary_q, _count_whole(left_c))
    k_opt = min(ordinary_q - k, _count_whole(left_opt))
    conflict = sum(left_q[: k + k_opt], 0.0) + sum(left_c[:k], 0.0) + sum(left_opt[:k_opt], 0.0)
    # a name written in CJK or Hangul has no optional parts: a syllable the list name has and
    # the query lacks makes another given name (林静 Lin Jing is not Lin Jing He), not a
    # patronymic or second given name left out
    syllabic = SYLLABIC in q.scripts or SYLLABIC in c.scripts
    extra_list = EXTRA_QUERY if syllabic else EXTRA_LIST
    extra_opt = extra_list if syllabic else EXTRA_OPTIONAL
    total = (
        den
        + CONFLICT * conflict
        + EXTRA_QUERY * sum(left_q[k + k_opt :], 0.0)
        + extra_list * sum(left_c[k:], 0.0)
        + extra_opt * sum(left_opt[k_opt:], 0.0)
    )
    score = num / total if total else 0.0
    weak_name = False
    if not strong:
        score *= 0.5
    elif not distinctive and name_parts < 2 and score > WEAK_CAP:
        # weak names: only weak words matched; alert only if nothing is left over and, for a
        # single word, only if it is the same word
        kept = (0, NUMBER, GENERIC, INITIAL)
        left_over = any(not q_used[i] and q.classes[i] in kept for i in range(nq)) or any(
            not c_used[j] and not opt[j] and c.classes[j] in kept for j in range(nc)
        )
        # one weak word alone never alerts, unless it is the same descriptive name written
        # whole (GROUP GRAND, nothing else on either side); a common given or family name
        # alone never
        single = matched_words == 1 and (
            inexact or matched_tokens < 2 or single_level == WEAK_NAME_PART
        )
        if left_over or single:
            score = WEAK_CAP
            weak_name = True
    legal_mismatch = bool(
        q.legal
        and c.legal
        and not set(q.legal) & set(c.legal)
        and _ANY_FORM not in q.legal
        and _ANY_FORM not in c.legal
    )
    if legal_mismatch:
        score -= LEGAL_MISMATCH
    return NameScore(
        max(0.0, min(1.0, score)),
        tuple(pairs),
        tuple([qt[i] for i in range(nq) if not q_used[i]]),
        tuple([ct[j] for j in range(nc) if not c_used[j]]),
        legal_mismatch,
        not strong,
        weak_name,
    )
