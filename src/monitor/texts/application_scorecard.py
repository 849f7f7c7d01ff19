"""Catalog entries (key, zh, en) of the application scorecard's training (`python -m monitor train-application`,
issue 18)."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("application_scorecard.no_applications",
     "本账簿没有申请数据：申请评分卡从已放款和被拒绝的申请中学习。请生成或加载含申请的账簿。",
     "This book holds no applications: the application scorecard learns from booked and declined applications. "
     "Generate or load a book with applications."),
    ("application_scorecard.too_short",
     "申请评分卡至少需要 {months} 个月的申请才能训练并做跨时间检验（跨时间样本 3 个月及其 6 个月表现期，"
     "检验日尚未到期的 6 个月，至少 1 个月训练）；本账簿的申请从 {first} 到 {as_of}。",
     "The application scorecard needs at least {months} months of applications to train and test out of time (3 "
     "out-of-time months and their 6 months of outcome, the 6 months whose outcomes were still open on the "
     "out-of-time day, and a month to train on); this book's applications run from {first} to {as_of}."),
    ("application_scorecard.few_training",
     "{first} 至 {last} 放款的训练样本有 {bads} 笔坏、{goods} 笔好；两类各至少需要 {least} 笔。",
     "The loans booked from {first} to {last} to train on have {bads} bad and {goods} good outcomes; at least "
     "{least} of each are needed."),
    ("application_scorecard.few_oot",
     "{first} 至 {last} 放款的跨时间样本有 {bads} 笔坏、{goods} 笔好；两类各至少需要 {least} 笔。",
     "The loans booked from {first} to {last} to test out of time have {bads} bad and {goods} good outcomes; at "
     "least {least} of each are needed."),
    ("application_scorecard.method.parcelling", "分段分配法", "parcelling"),
    ("application_scorecard.method.fuzzy", "模糊扩充法", "fuzzy augmentation"),
    ("application_scorecard.trained",
     "申请评分卡 {model}：以 {train_from} 至 {train_to} 放款的 {rows} 笔贷款及同期 {rejected} 笔被拒申请训练"
     "（拒绝推断：{method}，系数 {factor}）；以 {oot_from} 至 {oot_to} 放款的 {oot_rows} 笔贷款做跨时间检验。",
     "Application scorecard {model}: trained on {rows} loans booked from {train_from} to {train_to} and the "
     "{rejected} applications declined then (reject inference: {method}, factor {factor}); tested out of time on "
     "{oot_rows} loans booked from {oot_from} to {oot_to}."),
    ("application_scorecard.with_inference", "含拒绝推断", "with RI"),
    ("application_scorecard.known_good_bad", "仅已知好坏", "KGB only"),
    ("application_scorecard.out_of_time", "跨时间", "out of time"),
    ("application_scorecard.training", "训练", "training"),
    ("application_scorecard.declined",
     "被拒申请的平均违约概率：含拒绝推断 {pd}，仅已知好坏模型 {kgb}（推断坏账率 {inferred}）。",
     "Mean PD of the declined applications: {pd} with reject inference, {kgb} by the known-good-bad model alone "
     "(inferred bad rate {inferred})."),
    ("application_scorecard.scored",
     "已为 {applications} 笔申请（通过与拒绝）评分；训练与评分共用时 {seconds} 秒。",
     "Scored {applications} applications (approved and declined); trained and scored in {seconds} s."),
)
