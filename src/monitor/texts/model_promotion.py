"""Catalog entries (key, zh, en) of the Model page's candidate model: its validation figures beside the live model's
and the confirmation before an admin makes it live."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("model.candidate", "候选模型 {version}", "Candidate model {version}"),
    ("model.candidate_caption",
     "训练于 {created_at}，跨时间验证月末 {month_end}。以下为训练时测得的验证指标，箭头为与上线模型 {live} 之差。"
     "它尚未上线：预警名单仍使用上线模型的评分。",
     "Trained {created_at}, tested out of time at {month_end}. Below are the validation figures measured at "
     "training, the arrows the difference from the live model {live}. It is not live: the early-warning list still "
     "uses the live model's scores."),
    ("model.candidate_caption_first",
     "训练于 {created_at}，跨时间验证月末 {month_end}。以下为训练时测得的验证指标。目前没有上线模型。",
     "Trained {created_at}, tested out of time at {month_end}. Below are the validation figures measured at "
     "training. No model is live yet."),
    ("model.candidate_live_value", "上线模型：{value}", "Live model: {value}"),
    ("model.metric.psi", "PSI（跨时间 vs 训练）", "PSI (out of time vs training)"),
    ("model.metric_help.psi",
     "跨时间验证样本评分分布相对训练样本的群体稳定性指数：低于 0.1 稳定，0.1–0.25 需关注，高于 0.25 需处理。",
     "Population stability index of the out-of-time scores against the training scores: below 0.1 stable, "
     "0.1-0.25 watch, above 0.25 act."),
    ("model.candidate_calibration", "候选模型校准（跨时间）", "Candidate calibration (out of time)"),
    ("model.promote_confirm", "我已查看以上指标，确认将 {version} 上线（替换 {live}）",
     "I have checked these figures: make {version} live (replacing {live})"),
    ("model.promote_confirm_first", "我已查看以上指标，确认将 {version} 上线", "I have checked these figures: make "
     "{version} live"),
    ("model.promote", "上线候选模型", "Make the candidate live"),
    ("model.promote_help",
     "上线后预警名单、评分和模型监控都改用该模型，并立即为最新数据日评分。仅限系统管理员，记入审计日志。",
     "The early-warning list, the scores and the monitoring then follow this model, and the latest data day is "
     "scored with it at once. Admins only; written to the audit log."),
    ("model.promoting", "正在上线并评分…", "Making it live and scoring…"),
    ("model.promoted", "模型 {version} 已上线，最新数据日已用它评分。",
     "Model {version} is live; the latest data day was scored with it."),
    ("model.promote_error", "无法上线模型：{message}", "Could not make the model live: {message}"),
)
