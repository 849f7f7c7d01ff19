"""Portfolio what-if inputs (DESIGN.md §6): the policy (which loans, which option, what take-up), the stress
factor, and their validation. A bad value raises SimulationInputError with a one-line message naming the
field and the rule (monitor.simulate.inputs), which the command line prints and the page shows.

How each option changes a row of the treated loans' transition matrix. Every option replaces a take-up
share u of the row by a target row: new row = row + u x (target - row), so a take-up of 0 leaves it
exactly as it was. The option's assumptions are the constants below (shown on the page).

- extension (展期): M1-M2: the treated balance is brought current (M0), but EXTENSION_REDEFAULT of it
  re-defaults and rolls one bucket on; M0: the longer term halves (EXTENSION_RELIEF) the principal repaid
  each month, which stays in M0.
- reinstallment (再分期): M1-M3: the arrears are re-installed, the balance goes to M0; REINSTALLMENT_REDEFAULT
  of it re-defaults and rolls one bucket on.
- rate_cut (降息): M0-M3: a lower payment cuts the forward rolls (to a later bucket, charge-off or settlement)
  by RATE_CUT_RELIEF; what no longer rolls stays current (M0).
- settlement (协商结清): M3-M6: the balance is settled at a discount (to ST); what a settlement loses is the
  book's own, the settlement LGD of monitor.metrics.loss_given_default (applied by monitor.simulate.projection).

Stress (apply_stress) does what it says where the row allows it: see its docstring.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from monitor import segments
from monitor.simulate.inputs import SimulationInputError, check_share
from monitor.status import BUCKETS

STATES = (*BUCKETS, "CO", "ST", "PO")  # M0..M6, charged off, settled at a discount, paid off (principal collected)
CO, ST, PO = STATES.index("CO"), STATES.index("ST"), STATES.index("PO")
DEFAULTED = (CO, ST)  # the states a forward roll can end in besides a later bucket
M0 = 0

OPTIONS = ("extension", "reinstallment", "rate_cut", "settlement")
EXTENSION_REDEFAULT = 0.40
EXTENSION_RELIEF = 0.50
REINSTALLMENT_REDEFAULT = 0.35
RATE_CUT_RELIEF = 0.25
ASSUMPTIONS = {"extension_redefault": EXTENSION_REDEFAULT, "extension_relief": EXTENSION_RELIEF,
               "reinstallment_redefault": REINSTALLMENT_REDEFAULT, "rate_cut_relief": RATE_CUT_RELIEF}

STRESS_PRESETS = {"mild": 1.2, "severe": 1.5}  # forward rolls x 1.2 / 1.5, cures / 1.2 / 1.5 (see apply_stress)
MAX_STRESS = 10.0  # forward rolls x10 at most: beyond it a factor is a typo, not a scenario (and rows saturate)


@dataclass(frozen=True)
class Policy:
    """A policy: the loans it treats (one segment value, or the whole simulated book when segment is None),
    the option offered and the share of eligible balance that takes it up (0-1)."""
    option: str
    take_up: float
    segment: str | None = None
    value: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def check_take_up(value) -> float:
    if isinstance(value, bool):
        raise SimulationInputError(f"take_up must be a number between 0 and 1 (0% to 100%), got {value!r}")
    return check_share("take_up", value)


def check_option(option) -> str:
    if option not in OPTIONS:
        raise SimulationInputError(f"unknown option {option!r}; choose one of {', '.join(OPTIONS)}")
    return option


def check_segment(segment, value) -> tuple[str | None, str | None]:
    """A segment from the allow-list with a value, or neither (all loans)."""
    if segment is None and value is None:
        return None, None
    if segment not in segments.SEGMENTS:
        raise SimulationInputError(f"unknown segment {segment!r}; choose one of {', '.join(segments.SEGMENTS)}")
    if value is None or str(value) == "":
        raise SimulationInputError(f"segment {segment!r} needs a value")
    return segment, str(value)


def make_policy(option, take_up, segment=None, value=None) -> Policy:
    segment, value = check_segment(segment, value)
    return Policy(check_option(option), check_take_up(take_up), segment, value)


def parse_policy(text: str, source: str = "policy") -> Policy:
    """A policy from its JSON text: {"segment": "channel", "value": "broker", "option": "reinstallment",
    "take_up": 0.3} (segment and value may be left out: the whole book)."""
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SimulationInputError(f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                                   f"{exc.msg}); write an object like {{\"option\": \"reinstallment\", "
                                   f"\"take_up\": 0.3}}") from None
    if not isinstance(spec, dict):
        raise SimulationInputError(f"{source} must be a JSON object with option and take_up")
    unknown = set(spec) - {"segment", "value", "option", "take_up"}
    if unknown:
        raise SimulationInputError(f"{source} has unknown field(s) {', '.join(sorted(unknown))}; "
                                   "use segment, value, option, take_up")
    for field in ("option", "take_up"):
        if field not in spec:
            raise SimulationInputError(f"{source} lacks the field {field!r}")
    return make_policy(spec["option"], spec["take_up"], spec.get("segment"), spec.get("value"))


def load_policy(path: str | Path) -> Policy:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SimulationInputError(f"cannot read policy file {path}: {exc}") from None
    return parse_policy(text, f"policy file {path}")


def parse_stress(text) -> float:
    """A stress factor: 'mild' (1.2), 'severe' (1.5) or a number > 0 and at most MAX_STRESS (1: no stress)."""
    if isinstance(text, str) and text in STRESS_PRESETS:
        return STRESS_PRESETS[text]
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise SimulationInputError(f"stress must be mild, severe or a number > 0, got {text!r}") from None
    if not math.isfinite(value) or value <= 0 or value > MAX_STRESS:
        raise SimulationInputError(f"stress must be a number > 0 and at most {MAX_STRESS:g}, got {text}")
    return value


# ---------------------------------------------------------------------------------------- matrix effects


def _next_bucket(i: int) -> int:
    return i + 1 if i + 1 < len(BUCKETS) else CO


def _targets(matrix: np.ndarray, option: str) -> tuple[np.ndarray, list[int]]:
    """The target rows of an option (same shape as matrix) and the rows it treats."""
    target = matrix.copy()
    if option in ("extension", "reinstallment"):
        redefault = EXTENSION_REDEFAULT if option == "extension" else REINSTALLMENT_REDEFAULT
        rows = [1, 2] if option == "extension" else [1, 2, 3]
        for i in rows:
            target[..., i, :] = 0.0
            target[..., i, M0] = 1 - redefault
            target[..., i, _next_bucket(i)] += redefault
        if option == "extension":
            relief = matrix[..., M0, PO] * EXTENSION_RELIEF
            target[..., M0, PO] -= relief
            target[..., M0, M0] += relief
            rows = [M0, *rows]
        return target, rows
    if option == "rate_cut":
        rows = [0, 1, 2, 3]
        for i in rows:
            relief = matrix[..., i, :] * _FORWARD[i] * RATE_CUT_RELIEF
            target[..., i, :] -= relief
            target[..., i, M0] += relief.sum(axis=-1)
        return target, rows
    rows = [3, 4, 5, 6]
    for i in rows:
        target[..., i, :] = 0.0
        target[..., i, ST] = 1.0
    return target, rows


def apply_policy(matrix: np.ndarray, option: str, take_up: float) -> np.ndarray:
    """The transition matrix (or stack of matrices, ... x 10 x 10) of the treated loans under an option."""
    target, rows = _targets(matrix, check_option(option))
    result = matrix.copy()
    result[..., rows, :] = matrix[..., rows, :] + take_up * (target[..., rows, :] - matrix[..., rows, :])
    return result


def _masks() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row of a bucket: its forward moves (a later bucket, charge-off, settlement), its cures (an earlier
    bucket) and the rest (staying in the bucket, principal repaid). Absorbing rows have none."""
    size = len(STATES)
    forward, cure = np.zeros((size, size), bool), np.zeros((size, size), bool)
    for i in range(len(BUCKETS)):
        for j in range(size):
            forward[i, j] = j in DEFAULTED or (i < j < len(BUCKETS))
            cure[i, j] = j < i
    rest = ~(forward | cure)
    rest[len(BUCKETS):] = False
    return forward, cure, rest


_FORWARD, _CURE, _REST = _masks()


def apply_stress(matrix: np.ndarray, factor: float) -> np.ndarray:
    """Stress (a matrix or a stack, ... x 10 x 10): in each bucket's row, every forward roll (to a later bucket,
    charge-off or settlement) times `factor` and every cure (to an earlier bucket) divided by it, exactly; the
    balance this moves comes from (or goes back to) the share that stays in the bucket and the share repaid, in
    proportion to them. Where those run out (M6 already charges off 92%: x 1.5 cannot be), the rolls that grow
    take all the row has left beside the others, so they grow by less: stress_effect says by how much.
    Factor 1 returns the matrix unchanged."""
    if factor == 1:
        return matrix
    forward, cure, rest = (matrix * mask for mask in (_FORWARD, _CURE, _REST))
    f, c, r = forward.sum(axis=-1), cure.sum(axis=-1), rest.sum(axis=-1)
    f_new, c_new = f * factor, c / factor
    left = r - (f_new + c_new - f - c)  # what stays or is repaid once the moves are scaled
    fits = left >= 0
    # rows without room: the side that shrinks keeps its target, the side that grows takes the rest of the row
    growing_f = factor > 1
    f_new = np.where(fits, f_new, 1 - c_new if growing_f else f_new)
    c_new = np.where(fits, c_new, c_new if growing_f else 1 - f_new)
    left = np.where(fits, left, 0.0)
    scale_f = np.divide(f_new, f, out=np.zeros_like(f), where=f > 0)
    scale_c = np.divide(c_new, c, out=np.zeros_like(c), where=c > 0)
    scale_r = np.divide(left, r, out=np.zeros_like(r), where=r > 0)
    stressed = forward * scale_f[..., None] + cure * scale_c[..., None] + rest * scale_r[..., None]
    # a row with nothing that stays or is repaid keeps what the moves gave back in its bucket
    freed = np.where((r <= 0) & fits, left, 0.0)
    diagonal = np.arange(len(BUCKETS))
    stressed[..., diagonal, diagonal] += freed[..., diagonal]
    absorbing = np.arange(len(BUCKETS), len(STATES))
    stressed[..., absorbing, :] = matrix[..., absorbing, :]
    return stressed


def stress_effect(matrix: np.ndarray, stressed: np.ndarray) -> dict[str, float | None]:
    """By how much the stress multiplied each bucket's forward rolls (the factor, or less where the row had no
    room); None for a bucket that never rolls forward."""
    before, after = (m[: len(BUCKETS)] * _FORWARD[: len(BUCKETS)] for m in (matrix, stressed))
    return {bucket: float(after[i].sum() / before[i].sum()) if before[i].sum() > 0 else None
            for i, bucket in enumerate(BUCKETS)}
