"""Catalog entries (key, zh, en) of a charged-off or settled account's recoveries on the Account view
(monitor.account.recovery); see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("account.recovery_balance.charge_off", "核销时剩余本金", "Balance at charge-off"),
    ("account.recovery_balance.settlement", "协商结清时剩余本金", "Balance at settlement"),
    ("account.recovery_recovered", "此后已回收", "Recovered since"),
    ("account.recovery_net", "净损失", "Net loss"),
    ("account.recovery_caption.charge_off",
     "{date} 核销：核销时剩余本金取前一日（{day_before}）日终的剩余本金；已回收为 {date} 至 {as_of} 该贷款收到的还款；"
     "净损失 = 核销时剩余本金 − 已回收。",
     "Charged off on {date}: the balance at charge-off is the principal balance at the end of the day before "
     "({day_before}); recovered: the payments on the loan from {date} to {as_of}; net loss = balance - recovered."),
    ("account.recovery_caption.settlement",
     "{date} 协商结清（结清贷款 {loan_id}）：协商结清时剩余本金取前一日（{day_before}）日终的剩余本金；"
     "已回收为 {date} 至 {as_of} 结清贷款收到的还款；净损失 = 协商结清时剩余本金 − 已回收。",
     "Settled at a discount on {date} (settlement loan {loan_id}): the balance at settlement is the principal "
     "balance at the end of the day before ({day_before}); recovered: what the settlement loan paid from {date} to "
     "{as_of}; net loss = balance - recovered."),
)
