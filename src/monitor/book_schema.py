"""What a book holds: its tables (DESIGN.md §3, each with its key, NOT NULL and CHECK constraints), the code
dictionaries, the settings and the schema version; and the few statements that write the schema and the book's
history. monitor.db opens the file and re-exports these names; monitor.migrations builds on this module, so that
opening a book (db) can migrate it without a circle between the two.

No foreign keys: DuckDB turns updates of referenced rows into errors, so referential integrity is
checked by whoever writes (the generator's tests, the ingest validator) rather than declared.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

import duckdb

from monitor import alerts_schema, alerts_starter

__all__ = [  # what monitor.db re-exports
    "SCHEMA_VERSION",
    "table_exists",
    "temp_table_exists",
    "DEFAULT_CHARGE_OFF_DPD",
    "LOAN_STATUSES",
    "PRODUCTS",
    "REPAYMENT_METHODS",
    "LOAN_CHANNELS",
    "PAYMENT_CHANNELS",
    "ACTION_TYPES",
    "CONTACT_PARTIES",
    "OUTCOMES",
    "COMPLAINT_CHANNELS",
    "COMPLAINT_CATEGORIES",
    "COMPLAINT_RESOLUTIONS",
    "IN_HOUSE",
    "ACTION_COLUMNS_V7",
    "COMPLIANCE_DDL",
    "APPLICATIONS_DDL",
    "DECISIONS",
    "DECLINE_REASONS",
    "ANY",
    "RESTRUCTURING_KINDS",
    "RISK_TIERS",
    "TREATMENTS",
    "SOURCE_TABLES",
    "DERIVED_TABLES",
    "MONEY",
    "SCENARIOS_DDL",
    "INGEST_DDL",
    "BOOK_HISTORY_DDL",
    "DDL",
    "SETTINGS",
    "BOOK_TIMEZONE",
    "DatabaseError",
    "refused",
    "run",
    "create_schema",
    "schema_version",
    "setting_values",
    "record",
    "transaction",
]

SCHEMA_VERSION = 9  # monitor.migrations brings an older book up to it; its docstring says what each version holds
DEFAULT_CHARGE_OFF_DPD = 181

LOAN_STATUSES = ("active", "paid_off", "charged_off", "restructured", "settled")
PRODUCTS = ("cash_loan", "installment")
REPAYMENT_METHODS = ("equal_installment", "equal_principal")
LOAN_CHANNELS = ("app", "ecommerce", "social_ads", "partner_api", "broker")  # acquisition; a book may hold more
PAYMENT_CHANNELS = ("auto_debit", "app", "collections", "legal", "recovery")
ACTION_TYPES = ("sms", "ivr", "call", "letter", "field_visit", "legal_notice", "lawsuit")
# Who was contacted (the 2026 collection guideline's categories): the debtor, a third party related to the debt (a
# spouse where the loan paid family expenses), or an unrelated third party (reachable only to find the debtor).
CONTACT_PARTIES = ("debtor", "related_third_party", "unrelated_third_party")
# do_not_contact: the person contacted asked not to be contacted again (binding for third parties).
OUTCOMES = ("no_answer", "contacted", "promise_to_pay", "refused", "paid", "wrong_number", "do_not_contact")
COMPLAINT_CHANNELS = ("regulator_transfer", "hotline", "social_media")
COMPLAINT_CATEGORIES = ("time", "frequency", "third_party", "abuse", "privacy", "impersonation")
COMPLAINT_RESOLUTIONS = ("upheld", "partly_upheld", "not_upheld")
IN_HOUSE = "in_house"  # the agency_id of the lender's own collectors (collection_actions.agency_id NULL reads so)
DECISIONS = ("approved", "declined")
DECLINE_REASONS = ("score_below_cutoff",)
ANY = "*"  # credit_policy: a cut-off for any channel or any product
RESTRUCTURING_KINDS = ("extension", "reinstallment", "rate_cut", "fee_waiver", "settlement")
RISK_TIERS = ("A", "B", "C", "D", "E")  # A lowest PD ... E highest (monitor.scoring.treatment)
TREATMENTS = ("reminder", "call", "plan_offer", "field", "legal")

# Source tables, in load order. Derived tables are rebuilt by monitor.derive.derive.
SOURCE_TABLES = ("customers", "loans", "installments", "payments", "collection_actions", "restructurings", "agencies",
                 "complaints", "applications", "credit_policy")
DERIVED_TABLES = ("installment_settlement", "loan_status_path", "loan_month", "day_snapshot", "loan_segment",
                  "month_totals", "month_rolls")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


MONEY = "DECIMAL(14,2)"

# Portfolio what-if scenarios saved from the simulator page (monitor.simulate.scenarios). Kept as its own
# statement so that saving can create it in a database built before it existed.
SCENARIOS_DDL = """
CREATE TABLE IF NOT EXISTS scenarios (
    name       VARCHAR PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    as_of      DATE NOT NULL,
    parameters JSON NOT NULL,         -- segment, policy, stress, window, months, paths, seed
    summary    JSON NOT NULL          -- totals, end values and monthly series of scenario and baseline
);
"""

# Loading (monitor.ingest) and the live feed (monitor.live): one row per batch that landed, and every row a batch
# rejected, with the file, its row number and the rule it broke (DESIGN.md §8).
INGEST_DDL = """
CREATE TABLE IF NOT EXISTS ingest_batches (
    batch_id       VARCHAR PRIMARY KEY,  -- a file: sha256 of its bytes (loaded again: nothing changes); feed: its id
    source         VARCHAR NOT NULL CHECK (source IN ('file', 'upload', 'feed')),
    file_name      VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,     -- a kind of monitor.ingest.schema.KINDS, or feed
    loaded_at      TIMESTAMP NOT NULL,
    rows_total     INTEGER NOT NULL,
    rows_accepted  INTEGER NOT NULL,
    rows_rejected  INTEGER NOT NULL,
    rows_duplicate INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS quarantine (
    batch_id   VARCHAR NOT NULL,
    file_name  VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,         -- 1 = the first data row after the header
    rule       VARCHAR NOT NULL,         -- the rule's code, e.g. unknown_loan (labels: catalog rule.<code>)
    message    VARCHAR NOT NULL,         -- what is wrong, in English, naming the column and the value
    raw        JSON,                     -- the row as it was read (NULL after settings.quarantine_raw_days)
    message_zh VARCHAR                   -- the message in Chinese (NULL in rows from before it was kept)
);
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS message_zh VARCHAR;  -- a database built before it gets it
"""

# What was done to the book as a whole (schema version 2): generate (loans, seed, as_of), migrate (from, to).
BOOK_HISTORY_DDL = """
CREATE TABLE IF NOT EXISTS book_history (
    happened_at TIMESTAMP NOT NULL,
    event       VARCHAR NOT NULL,
    detail      JSON NOT NULL
);
"""

# What the collection rules need of an action (schema version 7, issue 17). NULL reads as the older data meant:
# no consent recorded, answered unless the outcome is no_answer, the lender's own collectors (IN_HOUSE).
ACTION_COLUMNS_V7 = """contact_id       VARCHAR,  -- the phone number or address contacted, hashed (never itself)
    debtor_consent   BOOLEAN,  -- the debtor agreed to this contact at this hour (a call back they asked for)
    answered         BOOLEAN,  -- someone answered the call or opened the door
    duration_seconds INTEGER CHECK (duration_seconds >= 0),
    agency_id        VARCHAR,  -- the outside agency that acted (agencies), NULL: the lender's own collectors
    recording_id     VARCHAR,  -- the call's or the visit's recording"""

# Outside collection agencies and the complaints received about collection (issue 17). Source data, loaded like
# the others; monitor.compliance reads them.
COMPLIANCE_DDL = f"""
CREATE TABLE IF NOT EXISTS agencies (
    agency_id      VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    contract_start DATE NOT NULL,
    contract_end   DATE,
    fee_rate       DECIMAL(6,4) NOT NULL CHECK (fee_rate >= 0 AND fee_rate < 1),  -- commission on cash recovered
    monthly_fee    {MONEY} NOT NULL CHECK (monthly_fee >= 0),
    CHECK (contract_end IS NULL OR contract_end >= contract_start)
);

CREATE TABLE IF NOT EXISTS complaints (
    complaint_id BIGINT PRIMARY KEY,
    received_at  TIMESTAMP NOT NULL,
    loan_id      BIGINT NOT NULL,
    channel      VARCHAR NOT NULL CHECK (channel IN {_in(COMPLAINT_CHANNELS)}),
    category     VARCHAR NOT NULL CHECK (category IN {_in(COMPLAINT_CATEGORIES)}),
    agency_id    VARCHAR,          -- NULL: about the lender's own collectors
    agent_id     VARCHAR,
    resolution   VARCHAR CHECK (resolution IN {_in(COMPLAINT_RESOLUTIONS)}),
    resolved_at  TIMESTAMP,
    CHECK ((resolution IS NULL) = (resolved_at IS NULL)),
    CHECK (resolved_at IS NULL OR resolved_at >= received_at)
);

-- Derived: each contact that asked not to be contacted again (a third party), and when first: what the check before
-- a call looks up (monitor.compliance.contact_check); kept with the violations (monitor.compliance.violations).
CREATE TABLE IF NOT EXISTS contact_requests (
    contact_key VARCHAR PRIMARY KEY,
    asked_at    TIMESTAMP NOT NULL
);

-- Derived: each action that broke a collection rule (monitor.compliance.rules), rebuilt by derive and kept current
-- by every writer of collection_actions (monitor.compliance.violations).
CREATE TABLE IF NOT EXISTS violations (
    rule      VARCHAR NOT NULL,
    action_id BIGINT NOT NULL,
    loan_id   BIGINT NOT NULL,
    action_at TIMESTAMP NOT NULL,
    agent_id  VARCHAR,
    agency_id VARCHAR NOT NULL,        -- IN_HOUSE for the lender's own collectors
    PRIMARY KEY (rule, action_id)
);
"""

# Credit applications and the policy that decided them (schema version 8, issue 18). Source data: every application,
# approved or declined, with what was known when it was made; the loan it became. monitor.origination reads them.
APPLICATIONS_DDL = f"""
CREATE TABLE IF NOT EXISTS applications (
    application_id    BIGINT PRIMARY KEY,
    applied_at        TIMESTAMP NOT NULL,
    customer_id       BIGINT,            -- NULL: a declined applicant who never became a customer
    channel           VARCHAR NOT NULL,
    product           VARCHAR NOT NULL CHECK (product IN {_in(PRODUCTS)}),
    amount            {MONEY} NOT NULL CHECK (amount > 0),   -- the amount asked for
    term_months       INTEGER NOT NULL CHECK (term_months > 0),
    monthly_income    {MONEY} NOT NULL CHECK (monthly_income > 0),
    employment_type   VARCHAR NOT NULL,
    city_tier         INTEGER NOT NULL CHECK (city_tier BETWEEN 1 AND 5),
    age               INTEGER NOT NULL CHECK (age BETWEEN 18 AND 80),
    bureau_score      INTEGER CHECK (bureau_score BETWEEN 300 AND 900),  -- NULL: no credit file
    application_score INTEGER NOT NULL CHECK (application_score BETWEEN 300 AND 900),
    cutoff            INTEGER NOT NULL CHECK (cutoff BETWEEN 300 AND 900),  -- the policy's, for it, on the day
    decision          VARCHAR NOT NULL CHECK (decision IN {_in(DECISIONS)}),
    decline_reason    VARCHAR CHECK (decline_reason IN {_in(DECLINE_REASONS)}),
    override          BOOLEAN NOT NULL,  -- approved below the cut-off by a credit officer
    loan_id           BIGINT UNIQUE,     -- the loan it became (approved applications only)
    CHECK ((decision = 'declined') = (decline_reason IS NOT NULL)),
    CHECK (decision = 'approved' OR loan_id IS NULL),
    CHECK (NOT override OR (decision = 'approved' AND application_score < cutoff))
);

-- The cut-offs of the application score in force from each day: by channel and product, '*' for any. The most
-- specific row valid on a day applies (channel and product, then channel, then product, then neither).
CREATE TABLE IF NOT EXISTS credit_policy (
    valid_from DATE NOT NULL,
    channel    VARCHAR NOT NULL,
    product    VARCHAR NOT NULL,
    cutoff     INTEGER NOT NULL CHECK (cutoff BETWEEN 300 AND 900),
    PRIMARY KEY (valid_from, channel, product)
);

-- The application scorecards (monitor.origination), kept apart from the early-warning models: the same columns as
-- models; the live one is the newest.
CREATE TABLE IF NOT EXISTS application_models (
    model_version VARCHAR PRIMARY KEY,
    created_at    TIMESTAMP NOT NULL,
    path          VARCHAR NOT NULL,   -- the pickled estimator's file name in models/<database name>/ (not in git)
    metadata      JSON NOT NULL       -- data range, features, reject inference, metrics, the score's reference
);

-- Each application's PD (30+ DPD within 6 months on book, monitor.origination.outcomes) and points under the
-- application scorecard: approved and declined alike, rewritten by each scoring.
CREATE TABLE IF NOT EXISTS application_scores (
    application_id BIGINT PRIMARY KEY,
    model_version  VARCHAR NOT NULL,
    pd             DOUBLE NOT NULL CHECK (pd >= 0 AND pd <= 1),
    points         DOUBLE NOT NULL
);

-- Credit-policy what-ifs saved by name (the strategy page, `python -m monitor policy --save`).
CREATE TABLE IF NOT EXISTS credit_policy_whatifs (
    name       VARCHAR PRIMARY KEY,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    spec       JSON NOT NULL          -- cut-offs, line multipliers and assumptions (monitor.origination)
);

-- The generator's hidden truth of the applicants it declined: only the tests that judge reject inference read it.
CREATE TABLE IF NOT EXISTS synthetic_application_truth (
    application_id    BIGINT PRIMARY KEY,
    latent_risk       DOUBLE NOT NULL,
    monthly_miss_prob DOUBLE NOT NULL
);
"""

DDL = f"""
CREATE TABLE IF NOT EXISTS schema_info (
    version     INTEGER NOT NULL,
    applied_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS settings (
    key         VARCHAR PRIMARY KEY,
    value       VARCHAR NOT NULL,
    description VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS customers (
    customer_id     BIGINT PRIMARY KEY,
    name            VARCHAR NOT NULL,
    phone           VARCHAR NOT NULL CHECK (length(phone) = 11),
    id_number       VARCHAR NOT NULL CHECK (length(id_number) = 18),
    birth_year      INTEGER NOT NULL CHECK (birth_year BETWEEN 1930 AND 2010),
    monthly_income  {MONEY} NOT NULL CHECK (monthly_income > 0),
    employment_type VARCHAR NOT NULL,
    province        VARCHAR NOT NULL,
    city_tier       INTEGER NOT NULL CHECK (city_tier BETWEEN 1 AND 5),
    bureau_score    INTEGER CHECK (bureau_score BETWEEN 300 AND 900),
    created_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS loans (
    loan_id           BIGINT PRIMARY KEY,
    customer_id       BIGINT NOT NULL,
    product           VARCHAR NOT NULL CHECK (product IN {_in(PRODUCTS)}),
    channel           VARCHAR NOT NULL,
    origination_date  DATE NOT NULL,
    principal         {MONEY} NOT NULL CHECK (principal > 0),
    annual_rate       DECIMAL(6,4) NOT NULL CHECK (annual_rate >= 0 AND annual_rate <= 0.24),
    term_months       INTEGER NOT NULL CHECK (term_months > 0),
    repayment_method  VARCHAR NOT NULL CHECK (repayment_method IN {_in(REPAYMENT_METHODS)}),
    application_score INTEGER CHECK (application_score BETWEEN 300 AND 900),
    status            VARCHAR NOT NULL CHECK (status IN {_in(LOAN_STATUSES)}),
    closed_date       DATE,
    charge_off_date   DATE,
    parent_loan_id    BIGINT,
    CHECK ((status = 'active') = (closed_date IS NULL)),
    CHECK (closed_date IS NULL OR closed_date >= origination_date),
    CHECK ((status = 'charged_off') = (charge_off_date IS NOT NULL)),
    CHECK (charge_off_date IS NULL OR charge_off_date = closed_date)
);

CREATE TABLE IF NOT EXISTS installments (
    loan_id        BIGINT NOT NULL,
    installment_no INTEGER NOT NULL CHECK (installment_no > 0),
    due_date       DATE NOT NULL,
    principal_due  {MONEY} NOT NULL CHECK (principal_due >= 0),
    interest_due   {MONEY} NOT NULL CHECK (interest_due >= 0),
    fee_due        {MONEY} NOT NULL CHECK (fee_due >= 0),
    amount_due     {MONEY} NOT NULL CHECK (amount_due > 0),
    PRIMARY KEY (loan_id, installment_no),
    CHECK (amount_due = principal_due + interest_due + fee_due)
);

CREATE TABLE IF NOT EXISTS payments (
    payment_id BIGINT PRIMARY KEY,
    loan_id    BIGINT NOT NULL,
    paid_at    TIMESTAMP NOT NULL,
    amount     {MONEY} NOT NULL CHECK (amount > 0),
    channel    VARCHAR NOT NULL CHECK (channel IN {_in(PAYMENT_CHANNELS)})
);

CREATE TABLE IF NOT EXISTS collection_actions (
    action_id     BIGINT PRIMARY KEY,
    loan_id       BIGINT NOT NULL,
    action_at     TIMESTAMP NOT NULL,
    action_type   VARCHAR NOT NULL CHECK (action_type IN {_in(ACTION_TYPES)}),
    agent_id      VARCHAR,
    contact_party VARCHAR CHECK (contact_party IN {_in(CONTACT_PARTIES)}),
    outcome       VARCHAR NOT NULL CHECK (outcome IN {_in(OUTCOMES)}),
    ptp_amount    {MONEY} CHECK (ptp_amount > 0),
    ptp_date      DATE,
{ACTION_COLUMNS_V7}
    CHECK ((outcome = 'promise_to_pay') = (ptp_date IS NOT NULL AND ptp_amount IS NOT NULL))
);
{COMPLIANCE_DDL}
{APPLICATIONS_DDL}
CREATE TABLE IF NOT EXISTS restructurings (
    restructuring_id    BIGINT PRIMARY KEY,
    old_loan_id         BIGINT NOT NULL,
    new_loan_id         BIGINT NOT NULL,
    restructured_on     DATE NOT NULL,
    kind                VARCHAR NOT NULL CHECK (kind IN {_in(RESTRUCTURING_KINDS)}),
    arrears_capitalized {MONEY} NOT NULL CHECK (arrears_capitalized >= 0),
    approved_by         VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS synthetic_truth (
    loan_id          BIGINT PRIMARY KEY,
    customer_id      BIGINT NOT NULL,
    latent_risk      DOUBLE NOT NULL,
    monthly_miss_prob DOUBLE NOT NULL,
    behaviour        VARCHAR NOT NULL
);

-- Early warning (monitor.scoring): the trained models, and each loan's score per day scored.
CREATE TABLE IF NOT EXISTS models (
    model_version VARCHAR PRIMARY KEY,
    created_at    TIMESTAMP NOT NULL,
    path          VARCHAR NOT NULL,   -- the pickled estimator's file name in models/<database name>/ (not in git)
    metadata      JSON NOT NULL,      -- data range, features, metrics, monitoring baselines (monitor.scoring.store)
    promoted_at   TIMESTAMP           -- when it was made live (NULL: a candidate); the live model: newest promoted
);

CREATE TABLE IF NOT EXISTS scores (
    loan_id           BIGINT NOT NULL,
    as_of             DATE NOT NULL,
    pd                DOUBLE NOT NULL CHECK (pd >= 0 AND pd <= 1),
    points            DOUBLE NOT NULL,
    tier              VARCHAR NOT NULL CHECK (tier IN {_in(RISK_TIERS)}),
    reason_1          VARCHAR,
    reason_2          VARCHAR,
    reason_3          VARCHAR,
    treatment         VARCHAR NOT NULL CHECK (treatment IN {_in(TREATMENTS)}),
    model_version     VARCHAR NOT NULL,
    dpd               INTEGER NOT NULL CHECK (dpd >= 0),
    principal_balance {MONEY} NOT NULL,
    PRIMARY KEY (loan_id, as_of)
);

CREATE TABLE IF NOT EXISTS score_runs (
    as_of         DATE NOT NULL,
    model_version VARCHAR NOT NULL,
    scored_at     TIMESTAMP NOT NULL,
    loans         INTEGER NOT NULL,
    stability     JSON NOT NULL,      -- PSI of the score and CSI per feature against the training population
    PRIMARY KEY (as_of)
);
""" + SCENARIOS_DDL + INGEST_DDL + BOOK_HISTORY_DDL + alerts_schema.DDL  # limits and alerts: schema version 4

BOOK_TIMEZONE = "Asia/Shanghai"  # every event timestamp of a book is local time there (settings.timezone)
SETTINGS = (
    (
        "charge_off_dpd",
        str(DEFAULT_CHARGE_OFF_DPD),
        "A loan is charged off on the day its DPD reaches this value (DESIGN.md §4).",
    ),
    ("currency", "CNY", "All money is yuan with 2 decimals."),
    ("timezone", BOOK_TIMEZONE, "Event timestamps are local time."),
    ("quarantine_raw_days", "90",
     "Days a rejected row is kept as it was read; after that only its file, row number, rule and message stay."),
    # The collection rules' parameters (monitor.compliance.rules; the 2026 collection guideline's figures).
    ("compliance_quiet_start_hour", "22",
     "No collection contact from this hour (local time) without the debtor's consent."),
    ("compliance_quiet_end_hour", "8", "... until this hour of the next morning."),
    ("compliance_max_unanswered_attempts", "6",
     "Unanswered phone attempts a day to one contact after which no further attempt is made that day."),
    ("compliance_debtor_reachable_days", "30",
     "An unrelated third party may be contacted only if the debtor answered no contact in this many days before."),
    ("compliance_agency_max_violations_per_1000", "5",
     "An outside agency above this many violations per 1,000 contacts in a month is allocated no new accounts."),
    ("compliance_agency_max_complaints_per_10000", "50",
     "An outside agency above this many complaints per 10,000 accounts in a month is allocated no new accounts."),
)


class DatabaseError(Exception):
    """A database that cannot be used as asked; the message says what to do. The message is English (the command
    line's); text(lang) says it in a page's language."""

    def __init__(self, message: str, text: Callable[[str], str] | None = None):
        super().__init__(message)
        self.text = text or (lambda lang: message)


def refused(text: Callable[[str], str]) -> DatabaseError:
    """A DatabaseError saying `text(lang)`, a catalog text (monitor.texts.book)."""
    return DatabaseError(text("en"), text)


def run(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> None:
    """Run a statement to its end. DuckDB 2 keeps an unread result open otherwise, which blocks
    register() and other work on the connection."""
    con.execute(sql, params).complete()


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table (idempotent) and record the schema version, the settings and the starter limits."""
    run(con, DDL)
    if con.execute("SELECT count(*) FROM schema_info").fetchall()[0][0] == 0:
        run(con, "INSERT INTO schema_info VALUES (?, current_timestamp)", [SCHEMA_VERSION])
    for key, value, description in SETTINGS:
        run(con,
            "INSERT INTO settings VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING", [key, value, description]
        )
    alerts_starter.write(con)


def setting_values(con: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, str]:
    """The settings `keys` as the book holds them, each missing one at its default (SETTINGS)."""
    stored = dict(con.execute("SELECT key, value FROM settings WHERE key IN (SELECT unnest($keys::VARCHAR[]))",
                              {"keys": keys}).fetchall())
    defaults = {key: value for key, value, _ in SETTINGS}
    return {key: stored.get(key, defaults[key]) for key in keys}


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    return con.execute("SELECT max(version) FROM schema_info").fetchall()[0][0]


def record(con: duckdb.DuckDBPyConnection, event: str, detail: dict) -> None:
    """Add a line to book_history: what was done to the book as a whole (generate, migrate)."""
    run(con, "INSERT INTO book_history VALUES (current_timestamp, ?, ?)", [event, json.dumps(detail, default=str)])


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN ... COMMIT, rolled back on any error. A database DuckDB has invalidated (a write failed: a full disk)
    cannot roll back; the file keeps its last commit then, and the write's own error is the one raised."""
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.rollback()
        raise


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database (not this connection's temporary catalog) has a table `name`."""
    return _has_table(con, name, temporary=False)


def temp_table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether this connection's temporary catalog has a table `name` (what a connection computed once)."""
    return _has_table(con, name, temporary=True)


def _has_table(con: duckdb.DuckDBPyConnection, name: str, temporary: bool) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary = ? AND table_name = ?",
                            [temporary, name]).fetchall()[0][0])
