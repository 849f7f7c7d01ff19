"""Catalog entries (key, zh, en) of the code values stored in the database: loan statuses, products,
repayment methods, channels, collection actions and outcomes, restructuring kinds, employment types
(`<kind>.<value>`, looked up with monitor.i18n.label); see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    # loan statuses
    ("status.active", "在贷", "Active"),
    ("status.paid_off", "已结清", "Paid off"),
    ("status.charged_off", "已核销", "Charged off"),
    ("status.restructured", "已重组", "Restructured"),
    ("status.settled", "协商结清", "Settled"),
    # products and repayment methods
    ("product.cash_loan", "现金贷", "Cash loan"),
    ("product.installment", "消费分期", "Installment loan"),
    ("repayment.equal_installment", "等额本息", "Equal installments"),
    ("repayment.equal_principal", "等额本金", "Equal principal"),
    # acquisition channels (loans.channel) and payment channels (payments.channel)
    ("loan_channel.app", "自有App", "Own app"),
    ("loan_channel.ecommerce", "电商场景", "E-commerce"),
    ("loan_channel.social_ads", "社交广告", "Social ads"),
    ("loan_channel.partner_api", "合作机构", "Partner API"),
    ("loan_channel.broker", "中介", "Broker"),
    ("payment_channel.auto_debit", "自动扣款", "Auto debit"),
    ("payment_channel.app", "App还款", "App"),
    ("payment_channel.collections", "催收回款", "Collections"),
    ("payment_channel.legal", "司法回款", "Legal"),
    ("payment_channel.recovery", "核销后回收", "Recovery"),
    # collections
    ("action.sms", "短信", "SMS"),
    ("action.ivr", "智能语音", "IVR"),
    ("action.call", "电话", "Call"),
    ("action.letter", "信函", "Letter"),
    ("action.field_visit", "外访", "Field visit"),
    ("action.legal_notice", "律师函", "Legal notice"),
    ("action.lawsuit", "诉讼", "Lawsuit"),
    ("party.debtor", "本人", "Debtor"),
    ("party.third_party", "第三方", "Third party"),
    ("outcome.no_answer", "未接通", "No answer"),
    ("outcome.contacted", "已联系", "Contacted"),
    ("outcome.promise_to_pay", "承诺还款", "Promise to pay"),
    ("outcome.refused", "拒绝还款", "Refused"),
    ("outcome.paid", "已还款", "Paid"),
    ("outcome.wrong_number", "号码错误", "Wrong number"),
    # restructuring kinds
    ("restructuring.extension", "展期", "Extension"),
    ("restructuring.reinstallment", "再分期", "Re-installment"),
    ("restructuring.rate_cut", "降息", "Rate cut"),
    ("restructuring.fee_waiver", "减免费息", "Fee waiver"),
    ("restructuring.settlement", "协商结清", "Settlement"),
    # employment types
    ("employment.salaried", "受薪", "Salaried"),
    ("employment.self_employed", "个体经营", "Self-employed"),
    ("employment.gig_worker", "灵活就业", "Gig worker"),
    ("employment.civil_servant", "公务员", "Civil servant"),
    ("employment.freelancer", "自由职业", "Freelancer"),
)
