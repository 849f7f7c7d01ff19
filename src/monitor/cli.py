"""python -m monitor COMMAND ...: the command line over the same functions the pages use.

Bad input never shows a traceback: one line on stderr that says what is wrong and what to do, exit 2,
and nothing written. Every argument has a range (monitor.limits), checked by its argparse type before any work;
an --as-of is checked against the book's span as soon as the book is open.

A command imports what it needs inside its handler (scoring brings scikit-learn, 2.6 s; the simulator, the
generator, the loaders, the feed and the report's charts their own), so that `status` or `report` does not
pay for them; this module imports only the database, status (status, day_status, derive), limits and usage
modules.
tests/test_imports.py checks it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
import time

import polars as pl

from monitor import access, day_status, db, derive, limits, status
from monitor.alerts_schema import CONTACT_KINDS
from monitor.i18n import t
from monitor.usage import EXIT_BAD_INPUT, UsageError
from monitor.worklists import LISTS as WORKLISTS


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}. Run `{self.prog} --help` for the options.\n")


SEED = limits.whole(0, limits.MAX_SEED)
SEED_RANGE = f"0 to {limits.MAX_SEED:,}"
SPAN = "from the first loan's origination to the book's today"


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=limits.database_path,
                        help="DuckDB file (default: $MONITOR_DB or data/monitor.duckdb)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m monitor", description="Delinquency monitor commands.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    gen = sub.add_parser("generate", help="write the synthetic lender's book into a new database file")
    _add_db(gen)
    gen.add_argument("--loans", type=limits.whole(1, limits.MAX_LOANS), default=50_000,
                     help=f"number of new loans, 1 to {limits.MAX_LOANS:,} (default 50000)")
    gen.add_argument("--seed", type=SEED, default=42,
                     help=f"random seed, {SEED_RANGE}; the same seed gives the same book")
    gen.add_argument("--as-of", type=limits.generate_day, default=None,
                     help=f"last day of the book, YYYY-MM-DD, {limits.EARLIEST_GENERATE_AS_OF} to today "
                          "(default today)")
    gen.add_argument("--force", action="store_true", help="replace the file if it exists (never one in use)")

    mig = sub.add_parser("migrate", help="bring a book of an older schema version up to this monitor's")
    _add_db(mig)

    der = sub.add_parser("derive", help="(re)build the derived tables (loan_month, installment_settlement), in the "
                                        "book, or from a folder of Parquet source tables into another (--source)")
    _add_db(der)
    der.add_argument("--as-of", type=limits.day, default=None,
                     help=f"build up to this day (default: latest data); {SPAN}")
    der.add_argument("--source", default=None,
                     help="a folder `export` wrote: derive from its Parquet instead of the book (with --to)")
    der.add_argument("--to", default=None, help="with --source: the folder the derived tables are written into")
    der.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                     help="with --source: DuckDB in this process, or Apache Spark (needs requirements-spark.txt)")
    der.add_argument("--master", default="local[*]", help="with --engine spark: the Spark master (default local[*])")

    exp = sub.add_parser("export", help="write the book's source tables as Parquet, one folder per table")
    _add_db(exp)
    exp.add_argument("--to", required=True, help="the folder to write into")

    att = sub.add_parser("attach", help="make a derived folder (derive --source ... --to DIR) the derived tables")
    _add_db(att)
    att.add_argument("--derived", required=True, help="the folder derive --to wrote")

    st = sub.add_parser("status", help="DPD, bucket and balances of every loan active at the end of a day")
    _add_db(st)
    st.add_argument("--as-of", type=limits.day, required=True, help=f"the day, YYYY-MM-DD; {SPAN}")
    st.add_argument("--format", choices=("csv", "json"), default="csv")
    wl = sub.add_parser("worklists", help="a collectors' worklist (customers masked) or the daily cure curve at "
                                          "the end of a day, as the Collections page shows it")
    _add_db(wl)
    wl.add_argument("--as-of", type=limits.day, required=True, help=f"the day, YYYY-MM-DD; {SPAN}")
    wl.add_argument("--list", choices=(*WORKLISTS, "cure_curve"), required=True,
                    help="promises due today, broken yesterday, loans entering M1 today, or the cure curve")
    wl.add_argument("--format", choices=("csv", "json"), default="csv")
    cc = sub.add_parser("contact-check", help="may a collector contact this person now? allowed (exit 0) or blocked "
                                              "(exit 1) with the collection rule and what it found")
    _add_db(cc)
    cc.add_argument("--loan", type=limits.whole(1, limits.MAX_ID), required=True, help="the loan's id")
    cc.add_argument("--contact", type=limits.text(64), default=None,
                    help="the hashed contact id of the number or address (default: the loan's party)")
    cc.add_argument("--party", choices=db.CONTACT_PARTIES, default="debtor")
    cc.add_argument("--channel", choices=("sms", "ivr", "call", "field_visit"), default="call")
    cc.add_argument("--at", type=limits.moment, default=None,
                    help="local time, YYYY-MM-DD HH:MM (default: now in the book's time zone)")
    cc.add_argument("--consent", action="store_true", help="the debtor agreed to be contacted at this hour")
    cc.add_argument("--format", choices=("text", "json"), default="text")
    cc.add_argument("--lang", choices=("en", "zh"), default="en")
    rep = sub.add_parser("report", help="the executive report at an as-of date, as JSON or one HTML file")
    _add_db(rep)
    rep.add_argument("--as-of", type=limits.day, required=True, help=f"the day, YYYY-MM-DD; {SPAN}")
    rep.add_argument("--format", choices=("json", "html"), default="json")
    rep.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the HTML report")
    rep.add_argument("--out", help="write to this file instead of standard output")

    trn = sub.add_parser("train", help="train the early-warning scorecard and challenger, test out of time, save "
                                       "and make it live at once",
                         description="Train the early-warning model and make it the live one at once: a local tool "
                                     "for whoever holds the book's file (the dashboard's retrain only makes a "
                                     "candidate, which an admin promotes after seeing its figures). Audited as "
                                     "command-line.")
    _add_db(trn)
    trn.add_argument("--format", choices=("text", "json"), default="text")
    trn.add_argument("--train-months", type=limits.whole(1, limits.MAX_TRAIN_MONTHS), default=6,
                     help=f"month-ends to train on, 1 to {limits.MAX_TRAIN_MONTHS} (default 6)")
    trn.add_argument("--max-rows", type=limits.whole(limits.MIN_TRAIN_ROWS, limits.MAX_TRAIN_ROWS), default=500_000,
                     help=f"sample the training rows down to this many, {limits.MIN_TRAIN_ROWS:,} to "
                          f"{limits.MAX_TRAIN_ROWS:,} (default 500000)")

    sco = sub.add_parser("score", help="score the early-warning population with the live model into `scores`")
    _add_db(sco)
    sco.add_argument("--as-of", type=limits.day, default=None,
                     help=f"the day, YYYY-MM-DD (default: the latest data day); {SPAN}")
    sco.add_argument("--month-ends", type=limits.whole(0, limits.MAX_MONTH_ENDS), default=0,
                     help=f"also score this many month-ends before the day, 0 to {limits.MAX_MONTH_ENDS} "
                          "(a score history for a new model)")
    sco.add_argument("--model", type=limits.text(), help="model version (default: the newest)")

    tap = sub.add_parser("train-application",
                         help="train the application scorecard with reject inference, test out of time, save and "
                              "score every application (approved and declined) with it",
                         description="Train the application scorecard on the booked loans' outcomes (30+ DPD within "
                                     "6 months on book), with reject inference for the declined applications; the "
                                     "newest application scorecard is the live one. Audited as command-line.")
    _add_db(tap)
    tap.add_argument("--format", choices=("text", "json"), default="text")
    tap.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the text and of the errors")

    sim = sub.add_parser("simulate", help="project the book's balances, charge-offs, cash and ECL (Markov chain)")
    _add_db(sim)
    sim.add_argument("--as-of", type=limits.day, required=True, help=f"the day to project from, YYYY-MM-DD; {SPAN}")
    sim.add_argument("--months", type=limits.whole(1, limits.MAX_MONTHS), default=12,
                     help=f"months to project, 1 to {limits.MAX_MONTHS} (default 12)")
    sim.add_argument("--policy", type=limits.small_file, help=f"policy file (JSON: segment, value, option, take_up; "
                                                              f"at most {limits.MAX_POLICY_BYTES:,} bytes)")
    sim.add_argument("--stress", type=limits.text(), default="1",
                     help="mild (1.2), severe (1.5) or a factor > 0 (default 1: none)")
    sim.add_argument("--segment", type=limits.text(),
                     help="simulate one segment's loans: the segment name (with --value)")
    sim.add_argument("--value", type=limits.text(), help="the segment value")
    sim.add_argument("--window", type=limits.whole(1, limits.MAX_WINDOW), default=6,
                     help=f"month-end pairs the chain is estimated from, 1 to {limits.MAX_WINDOW} (default 6)")
    sim.add_argument("--paths", type=limits.whole(1, limits.MAX_PATHS), default=1000,
                     help=f"Monte Carlo paths, 1 to {limits.MAX_PATHS:,} (default 1000)")
    sim.add_argument("--seed", type=SEED, default=0, help=f"Monte Carlo seed, {SEED_RANGE}")
    sim.add_argument("--format", choices=("json",), default="json")

    dr = sub.add_parser("drill", help="a contingency drill: shock the projection, see which limits would breach and "
                                      "when, the collections workload and the cash shortfall")
    _add_db(dr)
    dr.add_argument("--as-of", type=limits.day, default=None,
                    help=f"the day to project from, YYYY-MM-DD (default: the latest data day); {SPAN}")
    dr.add_argument("--months", type=limits.whole(1, limits.MAX_MONTHS), default=12,
                    help=f"months to project, 1 to {limits.MAX_MONTHS} (default 12)")
    dr.add_argument("--stress", type=limits.text(), default="1",
                    help="mild (1.2), severe (1.5) or a factor > 0 (default 1: none)")
    dr.add_argument("--channel-shock", type=limits.text(), action="append", default=[], metavar="CHANNEL=FACTOR",
                    help="a loan channel's forward rolls times FACTOR (repeatable), e.g. broker=1.5")
    dr.add_argument("--capacity-cut", type=limits.text(), default="0",
                    help="collection capacity cut by this share, 0 to 1 (fewer cures of M1-M3), e.g. 0.3")
    dr.add_argument("--channel-outage", type=limits.text(), action="append", default=[], metavar="CHANNEL=DAYS",
                    help="a payment channel out for DAYS (1 to 30) in month 1 (repeatable), e.g. auto_debit=5")
    dr.add_argument("--save", action="store_true", help="save the drill and its HTML report in the book (drills)")
    dr.add_argument("--run-by", type=limits.text(), default="command-line", help="who ran it, for the record")
    dr.add_argument("--format", choices=("json", "html"), default="json")
    dr.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the HTML report")

    sl = sub.add_parser("simulate-loan", help="one loan's restructuring options, NPV and assumptions (what-if)")
    _add_db(sl)
    sl.add_argument("--loan-id", type=limits.whole(1, limits.MAX_ID), required=True, help="the loan")
    sl.add_argument("--as-of", type=limits.day, default=None,
                    help=f"the day, YYYY-MM-DD (default: the latest data day); {SPAN}")
    sl.add_argument("--format", choices=("json", "text"), default="json")

    ing = sub.add_parser("ingest", help="load loan tapes, schedules, payments, collection actions, applications or "
                                        "credit policies")
    _add_db(ing)
    ing.add_argument("files", nargs="*", help="CSV (UTF-8 or GB18030) or Parquet files: regular files within "
                                              "$MONITOR_MAX_FILE_MB, $MONITOR_MAX_FILE_ROWS and, for Parquet, "
                                              "$MONITOR_MAX_PARQUET_MB (decompressed)")
    ing.add_argument("--kind", choices=("loans", "installments", "payments", "collection_actions", "applications",
                                        "credit_policy"),
                     help="what the files hold (default: detected from the columns)")
    ing.add_argument("--purge-raw", action="store_true",
                     help="drop the rows as read of the quarantine's batches loaded more than the setting "
                          "quarantine_raw_days ago (every load does it too); files are optional then")

    aud = sub.add_parser("audit", help="check the audit log's hash chain in the book's access file (exit 1 when "
                                       "a row was changed or removed)")
    aud.add_argument("action", choices=("verify",))
    _add_db(aud)

    usr = sub.add_parser("users", help="list the users of the book's access file, or set one user's roles (the first "
                              "admin, say)")
    _add_db(usr)
    usr.add_argument("--email", type=limits.text(), help="the user to change; without it, list the users")
    usr.add_argument("--roles", type=limits.text(), default=None,
                     help="comma-separated roles from " + ", ".join(access.ROLES) + "; empty removes the user")

    _add_alert_parsers(sub)
    _add_policy_parser(sub)

    fd = sub.add_parser("feed", help="continue the synthetic lender in real time: payments, loans, actions")
    _add_db(fd)
    fd.add_argument("--rate", type=limits.number(0, limits.MAX_FEED_RATE), default=20.0,
                    help=f"events per second, above 0 and at most {limits.MAX_FEED_RATE:g} (default 20)")
    fd.add_argument("--seconds", type=limits.number(0, limits.MAX_FEED_SECONDS), default=None,
                    help=f"stop after this many seconds, at most {limits.MAX_FEED_SECONDS:,} (default: never)")
    fd.add_argument("--seed", type=SEED, default=0, help=f"random seed, {SEED_RANGE}")
    _add_notify_parsers(sub)
    return parser


def _add_notify_parsers(sub) -> None:
    """`contacts` (list, add, change, remove) and `alerts-deliver`: monitor.alerts.notify_command."""
    ctc = sub.add_parser("contacts", help="list, add, change or remove the contact points alert messages go to "
                                          "(a limit's contact, else the one named after its owner)")
    ctc.add_argument("action", choices=("list", "add", "change", "remove"))
    _add_db(ctc)
    ctc.add_argument("--name", type=limits.text(), help="the contact point (add, change, remove)")
    ctc.add_argument("--kind", choices=CONTACT_KINDS, help="webhook_json, wecom, dingtalk or email (add, change)")
    ctc.add_argument("--target", type=limits.text(limits.MAX_CONTACT_TARGET),
                     help="an http(s) URL for a webhook; one or more e-mail addresses, comma-separated (add, change)")
    ctc.add_argument("--by", type=limits.text(), default="command-line",
                     help="who acts (default command-line); each change is kept with who, when, before and after")

    dlv = sub.add_parser("alerts-deliver", help="queue the new alert events as messages and send those due "
                                                "(webhook, SMTP: $MONITOR_SMTP_*), retrying failed ones with backoff")
    _add_db(dlv)
    dlv.add_argument("--loop", type=limits.number(0, limits.MAX_FEED_SECONDS), default=None,
                     help="keep going, every this many seconds, until stopped (default: once)")
    dlv.add_argument("--intraday", action="store_true",
                     help="each round, first evaluate the limits on metrics that move during the day (the live "
                          "feed's and loaded files' batches), at the book's today")


def moment(text: str) -> dt.datetime:
    """An argparse type: a local time of the book, YYYY-MM-DD HH:MM."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time; write it as YYYY-MM-DD HH:MM") from None


def _add_alert_parsers(sub) -> None:
    """`alerts` (evaluate, ack, silence) and `limits` (list, add, set, disable): monitor.alerts."""
    alr = sub.add_parser("alerts", help="evaluate the limits into alert states (nightly after derive, or the "
                                        "intraday ones), acknowledge an alert event, or silence a limit")
    alr.add_argument("action", nargs="?", choices=("evaluate", "ack", "silence"), default="evaluate")
    _add_db(alr)
    alr.add_argument("--as-of", type=limits.day, default=None,
                     help=f"evaluate at the end of this day (default: the latest data day; intraday: the book's "
                          f"today); {SPAN}")
    alr.add_argument("--intraday", action="store_true", help="only the limits on metrics that move during the day")
    alr.add_argument("--format", choices=("text", "json"), default="text")
    alr.add_argument("--event", type=limits.text(), help="ack: the event's id (as `alerts` prints it)")
    alr.add_argument("--limit", type=limits.text(), help="silence: the limit's id or name")
    alr.add_argument("--until", type=moment, help="silence: until this local time, YYYY-MM-DD HH:MM")
    alr.add_argument("--comment", type=limits.text(), help="ack, silence: what is being done, and why")
    alr.add_argument("--by", type=limits.text(), default="command-line", help="who acts (default command-line)")

    lim = sub.add_parser("limits", help="list the limits, add one, change one or disable one (each change versioned)")
    lim.add_argument("action", choices=("list", "add", "set", "disable"))
    _add_db(lim)
    lim.add_argument("--limit", type=limits.text(), help="set, disable: the limit's id or name")
    lim.add_argument("--name", type=limits.text())
    lim.add_argument("--metric", type=limits.text(), help="a metric of the catalog (monitor.alerts.catalog)")
    lim.add_argument("--segment", type=limits.text(), help="a segment (product, channel, ...); with --value")
    lim.add_argument("--value", type=limits.text(), help="the segment's value")
    lim.add_argument("--book", action="store_true", help="set: watch the whole book (drop the segment)")
    lim.add_argument("--direction", choices=("above", "below"), help="default: the metric's usual direction")
    lim.add_argument("--amber", type=float, help="the amber level (a rate as a share: 0.04 is 4 %%)")
    lim.add_argument("--red", type=float, help="the red level")
    lim.add_argument("--pending", type=limits.whole(1, 1000), help="consecutive evaluations before a change fires")
    lim.add_argument("--owner", type=limits.text())
    lim.add_argument("--contact", type=limits.text(), help="a contact point's name")
    lim.add_argument("--enable", action="store_true", help="set: evaluate a disabled limit again")
    lim.add_argument("--format", choices=("text", "json"), default="text")
    lim.add_argument("--by", type=limits.text(), default="command-line", help="who acts (default command-line)")


def cmd_alerts(args) -> int:
    from monitor.alerts import command

    return command.alerts(args)


def cmd_limits(args) -> int:
    from monitor.alerts import command

    return command.limits(args)


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # the book, models, exports and temporary files: readable by their owner only
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UsageError, db.DatabaseError) as exc:
        print(f"monitor {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


@contextlib.contextmanager
def _usage_errors(*errors: type[Exception]):
    """Report `errors` (exceptions of a module the handler imported itself) as bad input: one line, exit 2."""
    try:
        yield
    except errors as exc:
        raise UsageError(str(exc)) from None


def _open_existing(args, read_only: bool):
    return db.connect(db.resolve_db_path(args.db), read_only=read_only)


def cmd_generate(args) -> int:
    from monitor.synth.book import generate  # the generator's imports are not needed by other commands

    path = db.resolve_db_path(args.db)
    as_of = args.as_of or dt.date.today()
    started = time.perf_counter()
    existed = path.exists()
    with db.disk_full_kept(lambda lang: t("book.kept_old_book" if existed else "book.kept_nothing", lang)):
        counts = generate(path, args.loans, args.seed, as_of, force=args.force)
    summary = ", ".join(f"{table} {n:,}" for table, n in counts.items())
    print(f"generated {path} as of {as_of} in {time.perf_counter() - started:.1f} s: {summary}", file=sys.stderr)
    return 0


def cmd_migrate(args) -> int:
    path = db.resolve_db_path(args.db)
    con = db.connect(path)  # a read-write open migrates an older book (monitor.migrations)
    try:
        steps = con.execute("SELECT happened_at, detail->>'from', detail->>'to' FROM book_history "
                            "WHERE event = 'migrate' ORDER BY happened_at").fetchall()
    finally:
        con.close()
    done = "; ".join(t("book.migration_step", "en", before=before, after=after, at=f"{at:%Y-%m-%d %H:%M}")
                     for at, before, after in steps) or t("book.no_migration", "en")
    print(t("book.migrated", "en", path=path, current=db.SCHEMA_VERSION, steps=done), file=sys.stderr)
    return 0


def cmd_derive(args) -> int:
    if args.source is not None:
        from monitor.engines import command
        return command.derive_parquet(args)
    if args.engine != "duckdb" or args.to is not None:
        raise UsageError("--engine and --to derive from a folder of Parquet: give --source too")
    con = _open_existing(args, read_only=False)
    try:
        limits.check_as_of(con, args.as_of or status.latest_data_date(con) or dt.date.min)
        started = time.perf_counter()
        with db.disk_full_kept(lambda lang: t("book.kept_derive", lang)):
            counts = derive.derive(con, args.as_of)
    finally:
        con.close()
    summary = ", ".join(f"{table} {n:,}" for table, n in counts.items())
    print(f"derived in {time.perf_counter() - started:.1f} s: {summary}", file=sys.stderr)
    return 0


def cmd_export(args) -> int:
    from monitor.engines import command
    return command.export(args)


def cmd_attach(args) -> int:
    from monitor.engines import command
    return command.attach(args)


def cmd_status(args) -> int:
    con = _open_existing(args, read_only=True)
    try:
        limits.check_as_of(con, args.as_of)
        latest = status.latest_data_date(con)
        if args.as_of > latest:
            print(f"monitor status: note: the data ends on {latest}; later days assume no further payments",
                  file=sys.stderr)
        frame = day_status.status_as_of(con, args.as_of)
    finally:
        con.close()
    if args.format == "json":
        # Money as JSON numbers in yuan; a float prints the 2-decimal value exactly as stored.
        sys.stdout.write(frame.with_columns(pl.col("principal_balance", "overdue_amount").cast(pl.Float64))
                         .write_json())
        sys.stdout.write("\n")
    else:
        sys.stdout.write(frame.write_csv())
    return 0


def cmd_contact_check(args) -> int:
    from monitor.compliance.contact_check import may_contact

    con = _open_existing(args, read_only=True)
    try:
        at = args.at or limits.local_now(con)
        decision = may_contact(con, args.loan, args.contact, args.party, at, consent=args.consent,
                               channel=args.channel)
    finally:
        con.close()
    if args.format == "json":
        print(json.dumps(decision.as_dict(), default=str))
    else:
        print(decision.text(args.lang))
    return 0 if decision.allowed else 1


def _add_policy_parser(sub) -> None:
    """`policy`: monitor.origination.policy_command."""
    pol = sub.add_parser("policy", help="credit policy what-if: cut-offs by channel and product and line multipliers "
                                        "against today's policy (approval, bad rate, loss, income, profit, swap sets) "
                                        "and the backtest of the loans it would have declined")
    _add_db(pol)
    pol.add_argument("--as-of", type=limits.day, default=None,
                     help=f"the day, YYYY-MM-DD (default: the latest data day); {SPAN}")
    pol.add_argument("--cutoff", type=limits.text(64), action="append", default=[], metavar="KEY=SCORE",
                     help="a cut-off (repeatable); KEY a channel, channel/product, */product or default (*/*); "
                          "a cut-off not given keeps today's")
    pol.add_argument("--line", type=limits.text(32), action="append", default=[], metavar="SCORE=MULT",
                     help="credit lines times MULT from application score SCORE up to the next band (repeatable)")
    for name, what in (("lgd", "loss given default, 0 to 1"), ("ead-share", "exposure at default / amount, 0 to 1.5"),
                       ("funding-rate", "a year, 0 to 1"), ("operating-cost", "yuan per approved loan"),
                       ("fee-rate", "per yuan of principal per month, 0 to 0.1"),
                       ("default-share", "the share of bads that default, 0 to 1")):
        pol.add_argument(f"--{name}", type=limits.text(32), default=None, help=f"{what} (default: from the data)")
    pol.add_argument("--save", type=limits.text(), default=None, metavar="NAME",
                     help="save the chosen policy and assumptions under NAME (the only write)")
    pol.add_argument("--compare", type=limits.text(), nargs="+", default=None, metavar="NAME",
                     help="saved policies to show side by side")
    pol.add_argument("--format", choices=("text", "json"), default="text")
    pol.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the text")


def cmd_policy(args) -> int:
    from monitor.origination import policy_command

    return policy_command.run(args)


def cmd_worklists(args) -> int:
    from monitor import worklists

    con = _open_existing(args, read_only=True)
    try:
        limits.check_as_of(con, args.as_of)
        frame = (worklists.cure_curve(con, args.as_of) if args.list == "cure_curve"
                 else worklists.worklist(con, args.list, args.as_of))
    finally:
        con.close()
    sys.stdout.write(frame.write_json() + "\n" if args.format == "json" else frame.write_csv())
    return 0


def cmd_report(args) -> int:
    from monitor import report

    con = _open_existing(args, read_only=True)
    try:
        limits.check_as_of(con, args.as_of)
        figures = report.build_report(con, args.as_of)
    finally:
        con.close()
    if args.format == "json":
        text = report.to_json(figures)
    else:
        from monitor import report_html  # the charts' libraries: only for the HTML report

        text = report_html.to_html(figures, args.lang)
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write {args.out}: {exc.strerror}; choose a writable path") from None
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text + "\n")
    return 0



TRAIN_METRICS = ("auc_oot", "gini_oot", "ks_oot", "brier_oot", "capture_10_oot", "psi", "auc_train",
                 "auc_true_driver", "auc_driver_oracle")


def train_summary(metadata: dict) -> dict:
    """What `train --format json` prints: the champion's metrics at the top level (auc_oot, gini_oot, ks_oot,
    brier_oot, psi, ...), the challenger's beside them, and the data the model was built and tested on."""
    data = metadata["data"]
    return {
        "model_version": metadata["model_version"],
        **{name: metadata["metrics"][name] for name in TRAIN_METRICS},
        "psi_verdict": metadata["stability"]["verdict"],
        "challenger": metadata["challenger"],
        "oot_month_end": data["oot_month_end"],
        "train_month_ends": data["train_month_ends"],
        "training_rows": data["training_rows_used"],
        "oot_rows": data["oot_rows"],
        "seconds": round(metadata["timings"]["total_s"], 1),
    }


def cmd_train(args) -> int:
    path = db.resolve_db_path(args.db)
    db.connect(path).close()  # writable and not held by another process: checked before a minute of training
    _check_book(path)

    from monitor.scoring import jobs  # scikit-learn (2.6 s) only once the book is known to be usable
    from monitor.scoring.training import TrainingError

    def progress(step: str, fraction: float) -> None:
        print(f"monitor train: {fraction:4.0%} {step}", file=sys.stderr)

    with _usage_errors(TrainingError), db.disk_full_kept(lambda lang: t("book.kept_train", lang)):
        bundle = jobs.train_model(path, actor=access.COMMAND_USER, promote=True, progress=progress,
                                  train_months=args.train_months, max_rows=args.max_rows)
    summary = train_summary(bundle.metadata)
    if args.format == "json":
        print(json.dumps(summary, indent=2))
        return 0
    print(f"model {summary['model_version']}: trained on {summary['training_rows']:,} loan-months at "
          f"{', '.join(summary['train_month_ends'])}; tested out of time at {summary['oot_month_end']} "
          f"({summary['oot_rows']:,} loans)")
    print(f"{'':18}{'scorecard':>12}{'challenger':>12}")
    for name in ("auc_oot", "gini_oot", "ks_oot", "brier_oot", "capture_10_oot"):
        print(f"{name:18}{summary[name]:12.4f}{summary['challenger'][name]:12.4f}")
    for name in ("auc_true_driver", "auc_driver_oracle"):
        if summary[name] is not None:
            print(f"{name:18}{summary[name]:12.4f}")
    print(f"{'psi':18}{summary['psi']:12.4f}  ({summary['psi_verdict']})")
    return 0


def cmd_score(args) -> int:
    path = db.resolve_db_path(args.db)
    db.connect(path).close()  # writable and not held by another process: checked before the scoring
    _check_book(path, args.as_of)

    from monitor.scoring import jobs  # scikit-learn only once the book is known to be usable
    from monitor.scoring.store import ModelError
    started = time.perf_counter()
    with _usage_errors(ModelError), db.disk_full_kept(lambda lang: t("book.kept_score", lang)):
        scored = jobs.score_book(path, args.as_of, month_ends=args.month_ends, version=args.model)
    for day, loans in scored:
        print(f"scored {loans:,} loans as of {day}", file=sys.stderr)
    print(f"monitor score: {len(scored)} day(s) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def cmd_train_application(args) -> int:
    path = db.resolve_db_path(args.db)
    db.connect(path).close()  # writable and not held by another process: checked before the training
    _check_book(path)

    from monitor.origination import application_jobs  # scikit-learn only once the book is known to be usable
    from monitor.origination.application_training import ApplicationTrainingError

    def progress(step: str, fraction: float) -> None:
        print(f"monitor train-application: {fraction:4.0%} {step}", file=sys.stderr)

    started = time.perf_counter()
    try:
        with db.disk_full_kept(lambda lang: t("book.kept_train", lang)):
            model, scored = application_jobs.train_and_score(path, actor=access.COMMAND_USER, progress=progress)
    except ApplicationTrainingError as exc:
        raise UsageError(exc.text(args.lang)) from None
    summary = application_jobs.summary(model, scored, time.perf_counter() - started)
    if args.format == "json":
        print(json.dumps(summary, indent=2))
        return 0
    lang, inference = args.lang, summary["reject_inference"]
    method = t(f"application_scorecard.method.{inference['method']}", lang)
    print(t("application_scorecard.trained", lang, model=summary["model_version"], rows=f"{summary['training_rows']:,}",
            train_from=summary["train_from"], train_to=summary["train_to"], rejected=f"{summary['rejected_rows']:,}",
            method=method, factor=inference["factor"], oot_rows=f"{summary['oot_rows']:,}",
            oot_from=summary["oot_from"], oot_to=summary["oot_to"]))
    columns = [("application_scorecard.with_inference", summary), ("application_scorecard.known_good_bad",
                                                                   summary["known_good_bad"])]
    print(f"{'':20}" + "".join(f"{t(key, lang):>14}" for key, _ in columns))
    for sample, key in (("oot", "application_scorecard.out_of_time"), ("train", "application_scorecard.training")):
        for name, label in (("auc", "AUC"), ("gini", "Gini"), ("ks", "KS"), ("brier", "Brier")):
            row = f"{label} {t(key, lang)}"
            print(f"{row:20}" + "".join(f"{figures[f'{name}_{sample}']:14.4f}" for _, figures in columns))
    if inference["rejected_mean_pd"] is not None:
        print(t("application_scorecard.declined", lang, pd=f"{inference['rejected_mean_pd']:.4f}",
                kgb=f"{inference['rejected_mean_pd_known_good_bad']:.4f}",
                inferred=f"{inference['inferred_bad_rate']:.4f}"))
    print(t("application_scorecard.scored", lang, applications=f"{scored:,}", seconds=summary["seconds"]))
    return 0


def _simulate_inputs(args) -> dict:
    """The simulate options, checked before the database is opened (monitor.simulate.policy's rules)."""
    from monitor.simulate import policy

    if (args.segment is None) != (args.value is None):
        raise UsageError("--segment and --value go together: give both or neither")
    _checked("--segment", policy.check_segment, args.segment, args.value)
    return {"stress": _checked("--stress", policy.parse_stress, args.stress),
            "policy": _checked("--policy", policy.load_policy, args.policy) if args.policy else None}


def _checked(flag: str, check, *values):
    """check(*values), its ValueError (SimulationInputError) turned into a usage error naming the option."""
    try:
        return check(*values)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def cmd_simulate(args) -> int:
    from monitor.simulate import projection

    inputs = _simulate_inputs(args)
    con = _open_existing(args, read_only=True)
    try:
        limits.check_as_of(con, args.as_of)
        result = projection.simulate(con, args.as_of, args.months, policy=inputs["policy"], stress=inputs["stress"],
                                     segment=args.segment, value=args.value, window=args.window,
                                     paths=args.paths, seed=args.seed)
    except ValueError as exc:  # SimulationInputError, UnknownSegment: a segment without loans, a bad name
        raise UsageError(str(exc)) from None
    finally:
        con.close()
    print(json.dumps(result, indent=1))
    return 0


def _drill_scenario(args):
    """The drill's shocks, checked before the database is opened (monitor.alerts.drill.make_scenario's rules)."""
    from monitor.alerts import drill

    shocks = dict(_checked("--channel-shock", drill.parse_pair, text, float)
                  for text in args.channel_shock)
    outages = dict(_checked("--channel-outage", drill.parse_pair, text, int)
                   for text in args.channel_outage)
    try:
        return drill.make_scenario(args.stress, shocks, args.capacity_cut, outages)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def cmd_drill(args) -> int:
    from monitor.alerts import drill, drill_records, drill_report

    scenario = _drill_scenario(args)
    con = _open_existing(args, read_only=not args.save)
    try:
        as_of = args.as_of or status.latest_data_date(con) or dt.date.min
        limits.check_as_of(con, as_of)
        try:
            findings = drill.run_drill(con, as_of, scenario, args.months)
        except ValueError as exc:  # SimulationInputError: a channel without loans
            raise UsageError(str(exc)) from None
        report = drill_report.to_html(findings, args.lang) if args.save or args.format == "html" else None
        if args.save:
            with db.transaction(con):
                findings["drill_id"] = drill_records.save(con, findings, report, args.run_by)
            print(f"saved drill {findings['drill_id']}", file=sys.stderr)
    finally:
        con.close()
    print(report if args.format == "html" else json.dumps(findings, indent=1))
    return 0


def cmd_simulate_loan(args) -> int:
    from monitor.simulate import loan_whatif

    con = _open_existing(args, read_only=True)
    try:
        as_of = args.as_of or status.latest_data_date(con) or dt.date.min
        limits.check_as_of(con, as_of)
        result = loan_whatif.what_if(con, args.loan_id, as_of)
    except ValueError as exc:  # LoanNotSimulable: no such loan, not yet made, closed that day
        raise UsageError(str(exc)) from None
    finally:
        con.close()
    print(json.dumps(result, indent=1) if args.format == "json" else loan_whatif.to_text(result))
    return 0


def cmd_ingest(args) -> int:
    from monitor.ingest.command import run_ingest  # exit 0 all landed, 1 some rows rejected, 2 a file unusable

    db.connect(db.resolve_db_path(args.db)).close()  # writable and not held by another process: before reading files
    with db.disk_full_kept(lambda lang: t("book.kept_ingest", lang)):
        return run_ingest(args)


def cmd_feed(args) -> int:
    from monitor import overview
    from monitor.live.command import run_feed

    path = db.resolve_db_path(args.db)
    con = db.connect(path)  # writable and not held by another process
    try:
        synthetic = overview.is_synthetic(con)
    finally:
        con.close()
    if not synthetic:  # its made-up events would mix into a lender's own book, and make it read as a demo
        raise UsageError(f"{path} is a lender's own book (no synthetic truth): the feed continues only a book "
                         "the generator made (python -m monitor generate)")
    with db.disk_full_kept(lambda lang: t("book.kept_feed", lang)):
        return run_feed(args)


def _check_book(path, as_of: dt.date | None = None) -> None:
    """limits.check_as_of on a short read-only connection: the book has loans, and `as_of` (when given) lies in
    their span."""
    con = db.connect(path, read_only=True)
    try:
        limits.check_as_of(con, as_of or status.first_data_date(con) or dt.date.min)
    finally:
        con.close()


def _existing_book(args):
    """The book's path, when the book exists: its access file lives beside it (monitor.access_store)."""
    path = db.resolve_db_path(args.db)
    if not path.is_file():
        raise UsageError(f"no book at {path}: the access file (users, audit log) lives beside an existing book")
    return path


def cmd_audit(args) -> int:
    from monitor import access_store, audit

    with access_store.opened(_existing_book(args)) as con:
        verdict = audit.verify(con)
    print(verdict.text("en"), file=sys.stdout if verdict.intact else sys.stderr)
    return 0 if verdict.intact else 1


def cmd_users(args) -> int:
    from monitor import access_store, users

    if args.email is None:
        if args.roles is not None:
            raise UsageError("--roles needs --email: the user whose roles to set")
        with access_store.opened(_existing_book(args)) as con:
            for email, roles, updated_at, updated_by in users.listing(con).iter_rows():
                print(f"{email}\t{','.join(roles)}\t{updated_at:%Y-%m-%d %H:%M}\t{updated_by}")
        return 0
    if args.roles is None:
        raise UsageError("--email needs --roles: the roles to give (empty: remove the user)")
    roles = frozenset(role.strip() for role in args.roles.split(",") if role.strip())
    with access_store.opened(_existing_book(args)) as con, _usage_errors(ValueError):
        users.set_roles(con, access.COMMAND_USER, args.email, roles)
    print(f"{users.normalised_email(args.email)}: {', '.join(sorted(roles)) or 'removed'}", file=sys.stderr)
    return 0


def cmd_contacts(args) -> int:
    from monitor.alerts import notify_command

    return notify_command.contacts(args)


def cmd_alerts_deliver(args) -> int:
    from monitor.alerts import notify_command

    return notify_command.deliver(args)


COMMANDS = {"generate": cmd_generate, "migrate": cmd_migrate, "derive": cmd_derive, "status": cmd_status,
            "worklists": cmd_worklists, "report": cmd_report, "train": cmd_train, "score": cmd_score,
            "simulate": cmd_simulate, "drill": cmd_drill,
            "simulate-loan": cmd_simulate_loan, "ingest": cmd_ingest, "feed": cmd_feed, "audit": cmd_audit,
            "users": cmd_users, "alerts": cmd_alerts, "limits": cmd_limits, "contacts": cmd_contacts,
            "alerts-deliver": cmd_alerts_deliver, "contact-check": cmd_contact_check,
            "train-application": cmd_train_application, "policy": cmd_policy, "export": cmd_export,
            "attach": cmd_attach}
