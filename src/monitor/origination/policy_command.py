"""`python -m monitor policy` (parsed in monitor.cli): the credit-policy what-if of the page on the command line, the
same functions and figures: today's policy against the chosen one, the swap sets, by channel and product, the
backtest and the assumptions; saved policies side by side (--compare). Read-only unless --save. Bad input (a
cut-off or an assumption out of range, an unknown channel, a name not saved, a book without application PDs) is
one line on stderr, exit 2."""

from __future__ import annotations

import datetime as dt
import json
import sys

from monitor import access, db, derived, status
from monitor import limits as bounds
from monitor.i18n import t
from monitor.notes import segment_value
from monitor.origination import saved_policies, whatif
from monitor.origination.backtest import backtest as policy_backtest
from monitor.origination.cutoffs import ANY
from monitor.origination.whatif_assumptions import NAMES, check, source_text
from monitor.origination.whatif_population import has_scores, window
from monitor.usage import UsageError

MONEY = {"amount", "expected_loss", "interest_income", "fee_income", "funding_cost", "operating_cost",
         "expected_profit", "loss", "interest"}
RATES = {"approval_rate", "expected_bad_rate", "bad_rate"}
BY_CHANNEL = ("today_approval_rate", "chosen_approval_rate", "today_bad_rate", "chosen_bad_rate")


def _checked(flag: str, parse, *values):
    try:
        return parse(*values)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def _inputs(args) -> tuple[dict, tuple, dict]:
    """The cut-offs, line multipliers and assumption edits of the options, checked before the book is opened."""
    cutoffs = dict(_checked("--cutoff", whatif.parse_cutoff, text) for text in args.cutoff)
    lines = tuple(sorted(dict(_checked("--line", whatif.parse_line, text) for text in args.line).items()))
    edits = {name: _checked(f"--{name.replace('_', '-')}", check, name, getattr(args, name))
             for name in NAMES if getattr(args, name) is not None}
    for _, product in cutoffs:
        if product not in (ANY, *db.PRODUCTS):
            raise UsageError(f"--cutoff: unknown product {product!r}; the products: {', '.join(db.PRODUCTS)}")
    return cutoffs, lines, edits


def _check_channels(con, cutoffs: dict) -> None:
    known = [c for (c,) in con.execute("SELECT DISTINCT channel FROM applications ORDER BY 1").fetchall()]
    for channel, _ in cutoffs:
        if channel != ANY and channel not in known:
            raise UsageError(f"--cutoff: no application came through channel {channel!r}; the channels: "
                             f"{', '.join(known) or 'none'}")


def figures(con, as_of: dt.date, pop, today: whatif.PolicyChoice, chosen: whatif.PolicyChoice,
            assumptions: whatif.Assumptions, compared: list[str]) -> dict:
    """Everything the command prints, as plain values (its JSON): the population's window, both policies, the
    assumptions, compare()'s figures, the backtest and the saved policies compared (evaluate, each with its own
    saved assumptions)."""
    first, last = window(as_of)
    result = whatif.compare(pop, today, chosen, assumptions)
    saved = {}
    for name in compared:
        try:
            choice, own = saved_policies.load(con, name)
        except saved_policies.NotSaved as exc:
            raise UsageError(str(exc)) from None
        saved[name] = whatif.evaluate(pop, choice, own)
    return {"as_of": as_of, "first": first, "last": last,
            "policy": {"today": today.as_json(), "chosen": chosen.as_json()},
            "assumptions": assumptions.as_json(), **result, "by_channel": result["by_channel"].to_dicts(),
            "backtest": policy_backtest(con, as_of, chosen, assumptions),
            **({"compare": saved} if compared else {})}


def run(args) -> int:
    cutoffs, lines, edits = _inputs(args)
    path = db.resolve_db_path(args.db)
    con = db.connect(path, read_only=args.save is None)
    try:
        as_of = args.as_of or status.latest_data_date(con) or dt.date.min
        bounds.check_as_of(con, as_of)
        if not has_scores(con):
            raise UsageError(t("policy_cli.no_scores", args.lang, path=path))
        if derived.state(con).state == "missing":  # the outcomes read the installments' settlement
            raise UsageError(t("policy_cli.no_derive", args.lang, path=path))
        _check_channels(con, cutoffs)
        pop = whatif.population(con, as_of)
        if pop.is_empty():
            first, last = window(as_of)
            raise UsageError(t("policy_cli.no_applications", args.lang, first=first, last=last))
        today = whatif.today_policy(con, as_of)
        chosen = whatif.PolicyChoice(today.with_cutoffs(cutoffs).cutoffs, lines)
        assumptions = whatif.default_assumptions(con, as_of).replace(**edits)
        result = figures(con, as_of, pop, today, chosen, assumptions, args.compare or [])
        if args.save is not None:
            try:
                saved_policies.save(con, args.save, chosen, assumptions, access.COMMAND_USER.email)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
            print(t("policy_cli.saved", args.lang, name=args.save.strip()), file=sys.stderr)
    finally:
        con.close()
    print(json.dumps(result, indent=1, default=str) if args.format == "json" else to_text(result, args.lang))
    return 0


# ------------------------------------------------------------------------------------------------------ text
def _written(field: str, value, signed: bool = False, lang: str = "en") -> str:
    if value is None:
        return t("policy_cli.none", lang)
    if field in RATES:  # a change of a rate in percentage points
        return t("policy_cli.points", lang, points=f"{value * 100:+.2f}") if signed else f"{value:.2%}"
    if field in MONEY:
        return f"{value:+,.2f}" if signed else f"{value:,.2f}"
    return f"{value:+,}" if signed else f"{value:,}"


def _table(head: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[k]) for row in (head, *rows)) for k in range(len(head))]
    return "\n".join("  ".join(cell.ljust(widths[0]) if k == 0 else cell.rjust(widths[k])
                               for k, cell in enumerate(row)) for row in (head, *rows))


def _key_name(channel: str, product: str, lang: str) -> str:
    def name(kind: str, value: str) -> str:
        return t("policy_cli.any", lang) if value == ANY else segment_value(kind, value, lang)
    return f"{name('channel', channel)}/{name('product', product)}"


def to_text(result: dict, lang: str) -> str:
    """The command's text: what the page shows, in `lang`."""
    def c(key: str, **values) -> str:
        return t(f"policy_cli.{key}", lang, **values)

    today, chosen = result["today"], result["chosen"]
    out = [c("heading", as_of=result["as_of"], first=result["first"], last=result["last"],
             applications=today["applications"]),
           c("cutoffs", cutoffs=", ".join(f"{_key_name(row['channel'], row['product'], lang)} {row['cutoff']}"
                                          for row in result["policy"]["chosen"]["cutoffs"]))]
    lines = result["policy"]["chosen"]["line_multipliers"]
    out.append(c("lines", lines=", ".join(f"{score}+ ×{m:g}" for score, m in lines)) if lines else c("no_lines"))
    out += ["", _table([c("figure"), c("today"), c("chosen"), c("change")], [
        [c(f"row.{field}"), _written(field, today[field], lang=lang), _written(field, chosen[field], lang=lang),
         _written(field, None if today[field] is None or chosen[field] is None else chosen[field] - today[field],
                  signed=True, lang=lang)]
        for field in whatif.FIGURES]), c("recorded", rate=_written("approval_rate", result["recorded"]["approval_rate"],
                                                                   lang=lang)), ""]
    for name in ("swap_in", "swap_out"):
        swap = result[name]
        out.append(c(name, count=swap["count"], amount=swap["amount"],
                     bad_rate=_written("expected_bad_rate", swap["expected_bad_rate"], lang=lang)))
    out += ["", c("by_channel"), _table(
        [c("channel"), c("product"), *(c(f"col.{name}") for name in BY_CHANNEL)],
        [[segment_value("channel", row["channel"], lang), segment_value("product", row["product"], lang),
          *(_written("approval_rate", row[name], lang=lang) for name in BY_CHANNEL)]
         for row in result["by_channel"]])]
    backtest = result["backtest"]
    out += ["", c("backtest", first=backtest["first"], last=backtest["last"], as_of=result["as_of"],
                  booked=backtest["booked"])]
    if backtest["empty"]:
        out.append(c("backtest_empty"))
    else:
        out += [_table([c("figure"), c("projected"), c("actual"), c("error")], [
            [c(f"backtest_row.{row}"), _written(row, backtest["projected"][row], lang=lang),
             _written(row, backtest["actual"][row], lang=lang),
             _written(row, backtest["error"][row], signed=True, lang=lang)]
            for row in ("loans", "bad_rate", "loss", "interest")]), c("backtest_note")]
    out += ["", c("assumptions")]
    for name in NAMES:
        value = whatif.Assumption(**result["assumptions"][name])
        out.append(f"  {c(f'assumption.{name}')}: {value.value:.6g}. {source_text(value, lang)}")
    if "compare" in result:
        names = list(result["compare"])
        out += ["", c("compare"), _table([c("figure"), c("today"), *names], [
            [c(f"row.{field}"), _written(field, today[field], lang=lang),
             *(_written(field, result["compare"][name][field], lang=lang) for name in names)]
            for field in whatif.FIGURES])]
    return "\n".join(out)
