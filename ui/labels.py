"""Display labels for the names and values the pages show: segments and their values, roll states, flow
steps, DPD thresholds. Every label comes from the catalog; a value the catalog does not know (a segment
value typed into a URL, a cohort month) is shown as it is."""

from __future__ import annotations

from monitor import notes
from monitor.i18n import label, t
from monitor.segments import SCORE_BANDS, SEGMENTS
from monitor.status import BUCKETS

ALL = "all"  # the segment choice "all loans"
SEGMENT_CHOICES = (ALL, *SEGMENTS)



def segment(name: str, lang: str) -> str:
    """The label of a segment name from monitor.segments.SEGMENTS, or of "all"."""
    return label("segment", name, lang)


def segment_value(name: str, value: str, lang: str) -> str:
    """The label of one value of a segment, e.g. ("channel", "broker") -> 中介 / Broker (monitor.notes)."""
    return notes.segment_value(name, value, lang)


def scope(name: str | None, value: str | None, lang: str) -> str:
    """The loans a figure covers: all loans, or one segment value (渠道「中介」 / Channel “Broker”)."""
    if name is None or name == ALL:
        return segment(ALL, lang)
    return t("delinquency.scope_segment", lang, segment=segment(name, lang), value=segment_value(name, value, lang))


def bucket(name: str, lang: str) -> str:
    """M0..M6 read as they are (the industry's names); CO is labelled."""
    return name if name in BUCKETS else label("bucket", name, lang)


def state(name: str, lang: str) -> str:
    """A roll target: a bucket M0..M6, or a closing status (paid_off, charged_off, restructured, settled)."""
    return name if name in BUCKETS else label("status", name, lang)


def pd_source(name: str, lang: str) -> str:
    """Where a bucket's PD came from: observed, nearest (an observed bucket before it), prior (a stated prior)."""
    return label("pd_source", name, lang)


def flow_step(step: str, lang: str) -> str:
    """'M6->CO' -> 'M6→核销' / 'M6→Charge-off'."""
    return "→".join(bucket(part, lang) for part in step.split("->"))


def threshold(name: str, lang: str) -> str:
    """'30+' -> 逾期30+ / 30+ DPD."""
    return t("threshold.dpd", lang, x=name.rstrip("+"))


def measure(name: str, lang: str, phrase: bool = False) -> str:
    """'balance' -> 按余额 / By balance (a choice), or / by balance (in a sentence, with `phrase`)."""
    return label("measure_phrase" if phrase else "measure", name, lang)


def ordered_values(name: str, values: list[str], lang: str) -> list[str]:
    """A segment's values in the order a menu lists them: score bands low to high, cohorts newest first,
    the rest by their label."""
    if name == "score_band":
        return sorted(values, key=lambda v: SCORE_BANDS.index(v) if v in SCORE_BANDS else len(SCORE_BANDS))
    if name == "cohort":
        return sorted(values, reverse=True)
    return sorted(values, key=lambda v: segment_value(name, v, lang))
