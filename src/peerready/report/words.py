"""The report's plain words for numbers: levels, ranges, agreement, coverage and change.

A commissioner reads the words; the figure stands beside them. Technical terms (r_wg, the 95%
confidence interval, Welch) stay in the method, which is written for the analyst.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..glance import join_words
from ..rubric import Band, Rubric
from ..scoring import DomainBaseline, DomainScore
from ..wording import difference_texts, level_score_text, score_text, signed_text

#: Agreement (r_wg, 0–1) at or above which staff "mostly agreed", and "partly agreed".
AGREEMENT_STRONG = 0.7
AGREEMENT_PARTLY = 0.5
#: Coverage below which a domain's answers are called thin.
COVERAGE_LOW = 0.8

STRENGTH: dict[str, str] = {
    "systematic-review": "systematic review of randomised trials: the strongest design cited, "
    "and it found no significant differences on most outcomes",
    "review": "literature review: summarises other studies, mostly qualitative",
    "trials-review": "review that includes randomised trials: summarises them, but is not a "
    "systematic review",
    "quantitative": "quantitative study (its design is not known): measures, but on its own "
    "cannot show that one thing causes another",
    "mixed-methods": "mixed-methods study without randomisation: combines measures and "
    "interviews; shows associations and explanations, not causes",
    "survey": "survey: describes views or conditions at one time; not a test of effect",
    "qualitative": "qualitative study: explains experiences and mechanisms; not designed to "
    "measure effects",
    "evaluation": "evaluation of one programme or service, without a comparison group",
    "consensus": "expert consensus: agreement among experts, not a test of effect",
    "mapping": "mapping of roles across services: describes what exists, not what works",
    "descriptive": "descriptive account of one project, without comparison",
    "theory": "organisational research or theory from outside peer work: a general principle "
    "applied to peer workers by the article",
    "guidance": "guidance: recommended practice, not a study",
    "policy": "policy document: states intent, not evidence of effect",
    "opinion": "argument or position paper: a view, not a study",
    "unknown": "type not known: how strong it is cannot be said",
}

METHOD = [
    "Each scored answer is placed on a 0–100 scale in proportion to the scale's own values "
    "(reverse-worded questions are flipped and shown by their positive wording). Answers such "
    'as "{unsure}", "not applicable" and blanks are counted but never scored.',
    "A team's score on a question is the mean of its members' scored answers. Its domain score "
    "is the weighted mean of the question scores that can be shown, if at least half of the "
    "questions asked have one; each role group's domain score is built the same way from its "
    "own question scores.",
    "The 95% confidence interval (shown in the report as the likely range) is centred on the "
    "domain score, with its width from the spread of respondents' own domain scores (Student's "
    "t; each person's weighted mean of their scored answers, for those who answered at least "
    "half of the questions that apply to them). A level is firm only when the whole interval "
    "lies in one band; otherwise, and always with very few respondents, it is provisional.",
    "The overall score is the mean of the domain scores shown; its level is capped at the level "
    "of the weakest domain. The cap is a choice made in designing the scoring, not a research "
    "finding: the evidence describes the conditions working together but does not show that one "
    "missing condition outweighs the others.",
    "Scores are stored to one decimal place and levels and triggers use that value; a score is "
    "shown with its decimal wherever rounding would cross a boundary shown with it.",
    "Agreement is r_wg (James, Demaree & Wolf 1984): 1 minus the variance of the answers divided "
    "by the variance of answers spread evenly over the scale's own values; 1 when everyone "
    "answers alike, 0 when answers are as spread as random ones. The report calls {strong:g} or "
    'more "mostly agreed" (the usual reading of strong agreement), {partly:g} to {strong:g} '
    '"partly agreed" and below {partly:g} "answered very differently".',
    "Answered (coverage) is the share of the answers expected from those who took part that were "
    'given, "{unsure}" and "not applicable" included.',
    "A role gap is a difference of {gap:g} points or more between the average scores of two "
    "role groups.",
    "Change since the baseline is the later round's score minus the earlier round's, given only "
    "where both are published. Whether it is more than chance alone would give is judged by the "
    "95% confidence interval of the difference of two independent means (Welch's method, with "
    "the Welch–Satterthwaite degrees of freedom), worked out from each round's published "
    "interval and number of respondents: if the interval leaves out 0, the change is called "
    "more than chance. Different people may have answered in each round.",
    "Anonymity: no number is published for fewer than {min_group} people, and no combination of "
    "published numbers (a team against its organisation, a role against its team, one question "
    "against another) can be used to work out the answers or the size of a smaller group: "
    "further numbers are withheld where a subtraction would reveal one (secondary "
    "suppression). {small_teams} are shown without scores unless the team agreed to show "
    "them. Free-text comments appear only when asked for, and only for teams of at least "
    "{comment_min_group} (or in a one-person self-assessment), without names or ids and in a "
    "shuffled order.",
    "Actions come from the rubric: each is raised when the team's score on its question falls "
    'below a threshold set in the rubric; role gaps and clusters of "don\'t know" answers raise '
    "actions of their own.",
]


def signed(value: float) -> str:
    """``+13``, ``−5`` (a true minus sign), ``0``; ``−0.2`` rather than ``−0`` for a small move."""
    return signed_text(value)


def change_figures(
    rubric: Rubric, now: float | None, before: float | None, change: float | None
) -> tuple[str, str, str]:
    """A score now, at the baseline and the change, as shown side by side: the change shown is
    always the difference of the scores shown (one decimal for all three where whole numbers
    would disagree, or would hide a move: ``45.0 → 44.8 (−0.2)``, never ``45 → 44.8 (0)``)."""
    now_text, before_text = level_score_text(rubric, now), level_score_text(rubric, before)
    if change is None:
        return now_text, before_text, ""
    if now is None or before is None:
        return now_text, before_text, signed_text(change)
    now_text, before_text, decimal = difference_texts(now, before, change, now_text, before_text)
    return now_text, before_text, signed_text(change, decimal)


def band_range(bands: Sequence[Band], band: Band) -> str:
    """A band's cut-offs in words: ``below 45``, ``45 to under 70``, ``70 and above``."""
    ordered = sorted(bands, key=lambda b: b.min)
    if band is ordered[0]:
        return f"below {band.max:g}"
    if band is ordered[-1]:
        return f"{band.min:g} and above"
    return f"{band.min:g} to under {band.max:g}"


def bands_legend(rubric: Rubric) -> list[tuple[str, str]]:
    """Each band's label with its cut-offs, lowest first."""
    ordered = sorted(rubric.bands, key=lambda b: b.min)
    return [(b.label, band_range(ordered, b)) for b in ordered]


def agreement_words(value: float | None) -> str:
    """How alike the answers were, in words (r_wg behind it)."""
    if value is None:
        return "agreement not measured (too few answers to each question)"
    if value >= AGREEMENT_STRONG:
        return "staff mostly agreed"
    if value >= AGREEMENT_PARTLY:
        return "staff partly agreed"
    return "staff answered very differently"


def coverage_words(value: float | None, unsure_label: str | None = None) -> str:
    """How many of the expected answers were given, in words (an answer of "don't know" or
    "not applicable" counts as given; ``unsure_label``, when many said "don't know" on some
    question, is named so "answered" is not read as "scored")."""
    if value is None:
        return "answers not shown"
    if value >= 1:
        text = "every question answered"
    else:
        share = f"{value:.0%} of questions answered"
        text = share if value >= COVERAGE_LOW else f"only {share}"
    if unsure_label:
        text += f', though many said "{unsure_label}" to some'
    return text


def crossed_edges(rubric: Rubric, low: float, high: float) -> list[float]:
    """Band edges that an interval from ``low`` to ``high`` spans."""
    return [e for e in rubric.band_edges if low < e <= high]


def provisional_words(rubric: Rubric, domain: DomainScore) -> str:
    """Why a domain's level is provisional, in words; "" when it is firm or unscored."""
    if not domain.provisional or domain.score is None:
        return ""
    if "one-respondent" in domain.provisional_reasons:
        return "it rests on one person's answers"
    if "few-respondents" in domain.provisional_reasons:
        who = f"only {domain.respondents} people" if domain.respondents else "too few people"
        return f"{who} answered, too few to work out a likely range, so it could change"
    if domain.interval is not None:
        low, high = domain.interval
        edges = crossed_edges(rubric, low, high) or rubric.band_edges
        shown = [*edges]
        parts = []
        for edge in edges:
            below = rubric.band_for(edge - 0.05).label
            above = rubric.band_for(edge).label
            parts.append(f"{edge:g}, between {below} and {above}")
        return (
            f"the likely range, {score_text(low, shown)} to {score_text(high, shown)}, "
            f"spans the boundary at {join_words(parts)}"
        )
    return "too few answers to be sure of the level"


def change_words(change: DomainBaseline | None, date: str, delta: str = "") -> str:
    """A domain's change since the baseline, and whether chance alone could explain it.

    ``delta`` is the change as shown beside the scores (from :func:`change_figures`)."""
    if change is None:
        return "not in the earlier round"
    if change.change is None:
        return f"no comparable score on {date} (hidden or not enough answers then, or now)"
    move = delta or signed(change.change)
    if move == "0":
        what = "no change"
    else:
        points = move.lstrip("+−")
        what = (
            f"{'up' if change.change > 0 else 'down'} {points} point{'' if points == '1' else 's'}"
        )
    what += f" since {date}"
    if change.change_interval is None or change.beyond_chance is None:
        return what + " (whether this is more than chance cannot be told: too few answered)"
    low, high = change.change_interval
    likely = f"likely between {signed(low)} and {signed(high)}"
    if low == high:
        likely = "everyone answered alike in both rounds"
    if change.beyond_chance:
        return f"{what}: more than chance alone would give ({likely})"
    return f"{what}: within what chance alone could give ({likely})"


def chance_short(change: DomainBaseline | None) -> str:
    """A few words on chance, for a table cell."""
    if change is None or change.change is None or change.beyond_chance is None:
        return ""
    return "more than chance" if change.beyond_chance else "could be chance"


def change_short(change: DomainBaseline, now: str, before: str, delta: str = "") -> str:
    """A domain's change for the summary: ``38 → 41 (+3): could be chance (likely −7 to +14)``."""
    if change.change is None:
        return "no comparable score in one of the rounds (hidden or not enough answers)"
    text = f"{before} → {now} ({delta or signed(change.change)})"
    if change.change_interval is None or change.beyond_chance is None:
        return text + ": too few answered to tell whether this is more than chance"
    low, high = change.change_interval
    likely = f"likely {signed(low)} to {signed(high)}"
    if low == high:
        likely = "everyone answered alike in both rounds"
    if change.beyond_chance:
        return f"{text}: more than chance alone would give ({likely})"
    return f"{text}: could be chance alone ({likely})"
