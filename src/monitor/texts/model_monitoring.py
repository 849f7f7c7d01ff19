"""Catalog entries (key, zh, en) for model monitoring text; see monitor.i18n for the key conventions.

The labels of PSI/CSI verdicts (verdict.*), backtest samples (sample.*) and features (feature.*) live in
monitor.texts.scoring."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.model", "模型监控", "Model monitoring"),
    ("model.title", "模型监控", "Model monitoring"),
    ("model.caption",
     "早期预警模型的表现与稳定性：跨时间验证、冠军与挑战者对比、评分分布、PSI/CSI、校准和逐月回测。",
     "How well the early-warning model ranks and predicts, and whether the book still looks like the one it "
     "learned from: out-of-time test, champion against challenger, score distribution, PSI/CSI, calibration and "
     "backtest."),
    # no model; retraining
    ("model.none",
     "还没有上线的早期预警模型。点击下方按钮，用本数据库的历史数据训练候选模型；管理员查看其验证指标后再将其上线。",
     "No early-warning model is live yet. The button below trains a candidate on this book's history; an admin "
     "makes it live after seeing its validation figures."),
    ("model.retrain", "重新训练模型", "Retrain the model"),
    ("model.train_first", "训练模型", "Train a model"),
    ("model.retrain_help",
     "用最新数据训练新的评分卡（冠军）和梯度提升模型（挑战者）并做跨时间验证。新模型只是候选模型：管理员查看其"
     "验证指标并确认后才会上线。贷款多时需要几分钟，期间请停留在本页。",
     "Trains a new scorecard (champion) and gradient-boosting challenger on the latest data and tests them out of "
     "time. The new model is a candidate: it goes live only when an admin has seen its validation figures and "
     "confirmed. With many loans this takes minutes; stay on this page meanwhile."),
    ("model.retraining", "正在训练模型…", "Training the model…"),
    ("model.retrain_failed", "训练未完成", "Training did not finish"),
    ("model.retrain_error", "无法训练模型：{message}", "Could not train the model: {message}"),
    ("model.retrained",
     "候选模型 {version} 已训练，跨时间验证 AUC 为 {auc}。它尚未上线：请在下方查看其验证指标后决定是否上线。",
     "Candidate {version} is trained, with an out-of-time AUC of {auc}. It is not live: check its validation "
     "figures below before making it live."),
    ("model.step.features", "正在构建训练样本特征", "Building the training features"),
    ("model.step.scorecard", "正在拟合评分卡", "Fitting the scorecard"),
    ("model.step.challenger", "正在拟合挑战者模型（梯度提升）", "Fitting the challenger (gradient boosting)"),
    ("model.step.out_of_time", "正在进行跨时间验证", "Testing out of time"),
    ("model.step.stability", "正在计算稳定性（PSI/CSI）", "Measuring stability (PSI / CSI)"),
    ("model.step.backtest", "正在逐月回测", "Backtesting month by month"),
    ("model.step.scoring", "正在为贷款评分", "Scoring the loans"),
    ("model.step.done", "完成", "Done"),
    # live model and its data
    ("model.live", "上线模型", "Live model"),
    ("model.live_text",
     "版本 `{version}`，训练于 {created_at}。评分卡（WOE 分箱逻辑回归）使用 {selected}/{features} 个特征。",
     "Version `{version}`, trained {created_at}. The scorecard (logistic regression on WOE bins) uses {selected} "
     "of {features} features."),
    ("model.train_data", "训练样本", "Training sample"),
    ("model.train_data_caption", "{months} 个月末 · {rows} 个贷款月 · 坏样本率 {bad_rate}",
     "{months} month-ends · {rows} loan-months · bad rate {bad_rate}"),
    ("model.train_data_sampled", "{months} 个月末 · {rows} 个贷款月（随机抽取 {used} 个）· 坏样本率 {bad_rate}",
     "{months} month-ends · {rows} loan-months ({used} sampled at random) · bad rate {bad_rate}"),
    ("model.oot_data", "跨时间验证样本", "Out-of-time sample"),
    ("model.oot_data_caption", "{rows} 笔贷款 · 坏样本率 {bad_rate}", "{rows} loans · bad rate {bad_rate}"),
    ("model.data_range", "训练时最新数据日", "Latest data day when trained"),
    ("model.data_range_caption", "数据始于 {first}；该日的贷款用于计算训练时的稳定性",
     "Data from {first}; the loans of that day gave the stability at training"),
    ("model.window_help",
     "坏样本：观察点（月末）之后 {horizon} 个月内任一月末逾期 30 天及以上或被核销。跨时间验证（OOT）月末是最新一个"
     "已能观察满 {horizon} 个月表现的月末；训练月末截止于它之前 {horizon} 个月，因此模型学习的表现都发生在验证日"
     "之前，验证结果就是当时建模后能达到的效果。",
     "A loan is bad when it is 30+ DPD (or charged off) at a month-end within {horizon} months of the observation "
     "point (a month-end). The out-of-time (OOT) month-end is the newest one whose {horizon} months of outcome are "
     "observed; the training month-ends end {horizon} months before it, so every outcome the model learned from "
     "happened before the day it is tested on: the OOT figures are what it would have achieved had it been built "
     "on that day."),
    ("model.history", "已注册模型（{count} 个）", "Registered models ({count})"),
    ("model.history_caption", "上线模型是最近一次被确认上线的模型：预警名单使用它的评分。未上线的是候选模型。",
     "The live model is the one most recently made live: the early-warning list uses its scores. The others were "
     "candidates or were live before."),
    ("model.col.version", "模型版本", "Model version"),
    ("model.col.created_at", "训练时间", "Trained at"),
    ("model.col.oot_month_end", "跨时间验证月末", "Out-of-time month-end"),
    ("model.col.auc_oot", "跨时间验证 AUC", "Out-of-time AUC"),
    ("model.col.live", "上线", "Live"),
    # out-of-time metrics
    ("model.oot", "跨时间验证表现（{month_end}）", "Out-of-time performance ({month_end})"),
    ("model.metric.auc", "AUC 值", "AUC"),
    ("model.metric.gini", "基尼系数", "Gini"),
    ("model.metric.ks", "KS 值", "KS"),
    ("model.metric.brier", "Brier 分数", "Brier score"),
    ("model.metric.capture_10", "前 10% 坏样本捕获率", "Top-10% capture"),
    ("model.metric_help.auc", "随机取一个坏样本和一个好样本，模型给坏样本更高违约概率的概率；0.5 为随机，越高越好。",
     "The chance that the model gives a random bad loan a higher PD than a random good one; 0.5 is a coin toss, "
     "higher is better."),
    ("model.metric_help.gini", "2 × AUC − 1；0 为随机，越高越好。", "2 × AUC − 1; 0 is a coin toss, higher is better."),
    ("model.metric_help.ks", "坏样本与好样本累计分布的最大差距；越高区分越好。",
     "The largest gap between the cumulative distributions of bad and good loans; higher separates better."),
    ("model.metric_help.brier", "预测违约概率与实际结果（0/1）之差的平方的平均值；越低越好。",
     "The mean squared difference between the PD and the outcome (0 or 1); lower is better."),
    ("model.metric_help.capture_10", "违约概率最高的 10% 贷款覆盖了全部坏样本的多少；越高越好。",
     "The share of all bad loans among the 10% with the highest PD; higher is better."),
    ("model.challenger_value", "挑战者：{value}", "Challenger: {value}"),
    ("model.oot_caption",
     "冠军模型为评分卡，挑战者为梯度提升模型，两者在同一跨时间验证样本上评估。"
     "卡片中的箭头为冠军减挑战者之差，绿色表示冠军更好。评分卡在训练样本上的 AUC 为 {auc_train}。",
     "The champion is the scorecard, the challenger a gradient-boosting model; both are tested on the same "
     "out-of-time loans. The arrows give the champion less the challenger, green where the champion is better. "
     "The scorecard's AUC on its training sample is {auc_train}."),
    # oracle
    ("model.oracle", "与生成器真实违约驱动对比（演示数据）",
     "Against the generator's true default driver (synthetic book)"),
    ("model.oracle_caption",
     "演示数据的生成器按每笔贷款的月度违约概率抽取逾期，这是数据里看不到的真实违约驱动。"
     "“仅真实驱动”只按它排序（不知道贷款当前是否逾期，也不知道节假日和冲击期）；"
     "“挑战者 + 真实驱动”是在全部特征之外再加入它、拟合一次的梯度提升模型。"
     "它是一个参照，不是上限：换一次拟合或换一个模型都可能更高。",
     "The synthetic generator draws each missed installment with the loan's monthly miss probability: the true "
     "default driver, which the data do not show. “True driver alone” ranks by it only (it knows neither whether the "
     "loan is in arrears today nor the holidays and the shock); “Challenger + true driver” is one fit of the "
     "gradient-boosting model with it added to every feature. It is a reference point, not a bound: another fit or "
     "another model can score higher."),
    ("model.oracle_below", "冠军模型的 AUC 比这次先知模型拟合低 {gap}。",
     "The champion's AUC is {gap} below this oracle fit."),
    ("model.oracle_above", "冠军模型的 AUC 比这次先知模型拟合高 {gap}：这次拟合没能从真实驱动中得到更多。",
     "The champion's AUC is {gap} above this oracle fit: this fit gained nothing from the true driver."),
    ("model.no_oracle.older_model",
     "该模型训练时尚未用生成器的真实违约驱动（月度违约概率）测算先知模型；重新训练后显示。",
     "This model was trained before the oracle was measured with the generator's true default driver (the monthly "
     "miss probability); retrain to see it."),
    ("model.oracle_model.champion", "评分卡（冠军）", "Scorecard (champion)"),
    ("model.oracle_model.challenger", "梯度提升（挑战者）", "Gradient boosting (challenger)"),
    ("model.oracle_model.true_driver", "仅真实驱动", "True driver alone"),
    ("model.oracle_model.oracle", "挑战者 + 真实驱动（一次先知模型拟合）", "Challenger + true driver (one oracle fit)"),
    # score distribution
    ("model.distribution", "评分分布：训练时与当前", "Score distribution: training vs now"),
    ("model.distribution_caption",
     "每 {width} 分一档的贷款占比。分数越高风险越低：600 分对应好坏比 50:1，每高 20 分好坏比翻一倍。"
     "当前为 {day} 日终评分的 {loans} 笔贷款。",
     "Share of loans per {width}-point band. Higher scores are safer: 600 points is odds of 50 good to 1 bad, and "
     "every 20 points doubles the odds. Now: the {loans} loans scored at the end of {day}."),
    ("model.not_scored",
     "该模型在 {as_of} 及之前没有评分记录，下图只有训练时的分布。重新训练模型会同时为最新数据日评分。",
     "This model scored no loans on or before {as_of}, so the chart shows the training distribution only. "
     "Retraining also scores the latest data day."),
    ("model.population.train", "训练样本", "Training"),
    ("model.population.current", "当前（{day}）", "Now ({day})"),
    # stability
    ("model.stability", "稳定性（PSI / CSI）", "Stability (PSI / CSI)"),
    ("model.psi", "评分 PSI 值", "Score PSI"),
    ("model.psi_help", "群体稳定性指数：当前评分分布相对训练样本的偏移。",
     "Population stability index: how far the current score distribution has moved from the training one."),
    ("model.stability_scored", "{as_of} 日终评分的贷款与训练样本对比。",
     "The loans scored at the end of {as_of} against the training sample."),
    ("model.stability_training",
     "该模型在所选日期及之前没有评分记录：显示训练时测得的稳定性（{as_of} 的贷款与训练样本对比）。",
     "This model scored no loans on or before the chosen day: the stability measured at training (the loans of "
     "{as_of} against the training sample)."),
    ("model.thresholds", "判断标准：低于 0.1 为稳定；0.1–0.25 需关注；高于 0.25 需处理（查明原因或重新训练）。",
     "Thresholds: below 0.1 stable; 0.1–0.25 watch; above 0.25 act (find the cause, retrain)."),
    ("model.csi_caption", "各特征的稳定性指数（CSI），偏移最大的在前。",
     "The stability index (CSI) of each feature, the largest shift first."),
    ("model.col.feature", "特征", "Feature"),
    ("model.col.csi", "CSI 值", "CSI"),
    ("model.col.verdict", "判断", "Verdict"),
    ("model.col.in_model", "评分卡使用", "In the scorecard"),
    # calibration
    ("model.calibration", "校准（跨时间验证样本）", "Calibration (out of time)"),
    ("model.calibration_caption",
     "按预测违约概率把验证样本分成十组：横轴为组内平均预测违约概率，纵轴为实际坏样本率。点越靠近虚线（对角线）"
     "预测越准，在其上方表示低估了风险。两轴均为平方根刻度，以便看清低风险组。",
     "The out-of-time loans in ten groups by predicted PD: the group's mean PD across, its observed bad rate up. "
     "The closer to the dashed diagonal, the better; above it the model underestimates the risk. Both axes are on "
     "a square-root scale so that the low-risk groups can be told apart."),
    ("model.calibration_level",
     "违约概率水平已调整为训练期最新月末（{month_end}）的实际坏样本率 {rate}（调整前为 {before}）。",
     "The PD level was set to the observed bad rate of the newest training month-end ({month_end}): {rate} "
     "(the mean PD was {before} before)."),
    # backtest
    ("model.backtest", "各月末 AUC 与 KS（回测）", "AUC and KS by month-end (backtest)"),
    ("model.backtest_caption",
     "用上线模型为每个可观察的月末评分。背景颜色表示该月末的角色：训练期之前、训练期、保留期（训练后、验证前）和跨时间验证。",
     "The live model scores each observable month-end. The shading tells each month-end's part: before training, "
     "training, holdout (after training, before the out-of-time test) and out of time."),
    # chart titles, axes, legends
    ("model.chart.points", "评分（分）", "Score (points)"),
    ("model.chart.band", "评分段", "Score band"),
    ("model.chart.share", "贷款占比", "Share of loans"),
    ("model.chart.population", "样本", "Population"),
    ("model.chart.model", "模型", "Model"),
    ("model.chart.auc", "跨时间验证 AUC", "Out-of-time AUC"),
    ("model.chart.decile", "十分位组", "Decile"),
    ("model.chart.mean_pd", "平均预测违约概率", "Mean predicted PD"),
    ("model.chart.observed", "实际坏样本率", "Observed bad rate"),
    ("model.chart.metric", "指标", "Metric"),
    ("model.chart.value", "数值", "Value"),
    ("model.chart.sample", "样本角色", "Sample"),
    ("model.chart.bad_rate", "坏样本率", "Bad rate"),
)
