"""Catalog entries (key, zh, en) of the contingency playbooks (monitor.alerts.playbooks): the decisions a playbook
leads to and the steps of the starter playbook of each metric the starter limits watch."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("playbook.decision.tighten_cutoffs", "收紧审批分数线", "Tighten the cut-offs"),
    ("playbook.decision.move_agents", "调配催收人员", "Move collection agents"),
    ("playbook.decision.offer_plans", "提供还款方案（展期、再分期、协商结清）",
     "Offer repayment plans (extension, re-installment, settlement)"),
    ("playbook.decision.raise_provisions", "增提拨备", "Raise provisions"),
    ("playbook.decision.review_model", "复核或重训模型", "Review or retrain the model"),
    ("playbook.decision.restore_data", "恢复数据供给", "Restore the data supply"),
    # 30+ rate by balance
    ("playbook.step.dpd30_balance.1", "在逾期页面找出推高比率的分群（渠道、产品、城市等级），并确认不是数据缺失所致。",
     "Find the segments (channel, product, city tier) behind the rise on the Delinquency page and confirm it is not "
     "a gap in the data."),
    ("playbook.step.dpd30_balance.2", "未来两周把催收人员从后期逾期阶段调往 M1、M2。",
     "Move collectors from the late buckets to M1 and M2 for the next two weeks."),
    ("playbook.step.dpd30_balance.3", "对表现最差的分群收紧审批分数线，直至比率回到黄色预警线以下。",
     "Tighten the application cut-off of the worst segments until the rate is back under amber."),
    ("playbook.step.dpd30_balance.4", "2 个工作日内向风险委员会报告：原因、措施、预计回到限额以内的日期。",
     "Report to the risk committee within 2 working days: the cause, the actions, the date expected back within the "
     "limit."),
    # M1 -> M2 roll
    ("playbook.step.roll_m1_m2.1", "检查催收产能：在岗人员、接通率，以及近两周 M1 承诺还款的兑现情况。",
     "Check the collection capacity: agents on duty, contact rate, and the promises to pay kept in M1 over the last "
     "two weeks."),
    ("playbook.step.roll_m1_m2.2", "把催收人员调往余额与 PD 最高的 M1 账户；加发 IVR 与短信提醒。",
     "Move agents to the M1 accounts with the highest balance and PD; add IVR and SMS reminders."),
    ("playbook.step.roll_m1_m2.3", "对有还款能力但无法全额还款的 M1 客户提供再分期或展期。",
     "Offer re-installment or an extension to M1 customers who can pay, but not in full."),
    ("playbook.step.roll_m1_m2.4", "每日复核迁移率，直至回到黄色预警线以下。",
     "Review the roll rate daily until it is back under amber."),
    # FPD30 of the newest cohorts
    ("playbook.step.fpd30_newest.1", "按渠道和产品拆分最新批次的 FPD30，找出来源。",
     "Split FPD30 of the newest cohorts by channel and product to find where it comes from."),
    ("playbook.step.fpd30_newest.2", "排查该渠道申请的欺诈特征（同一设备、同一联系人、首期从未还款）。",
     "Check the channel's applications for fraud patterns (same device, same contact, first installment never "
     "paid)."),
    ("playbook.step.fpd30_newest.3", "在查明原因前收紧该渠道的审批分数线或暂停该渠道。",
     "Tighten the channel's cut-off, or pause the channel, until the cause is found."),
    ("playbook.step.fpd30_newest.4", "通知模型负责人：新批次的早期违约是评分漂移的最早信号。",
     "Tell the model owner: early default in a new cohort is the first sign of a score drifting."),
    # net charge-off
    ("playbook.step.net_charge_off.1", "把当月核销按来源逾期阶段、渠道和产品拆分。",
     "Break the month's charge-offs down by the bucket they came from, channel and product."),
    ("playbook.step.net_charge_off.2", "在核销前对 M4–M6 账户提供协商结清或再分期。",
     "Offer a settlement or re-installment to M4-M6 accounts before they are charged off."),
    ("playbook.step.net_charge_off.3", "增提拨备：用最新的 PD 和 LGD 重算 ECL，并通知财务。",
     "Raise provisions: recompute ECL with the latest PD and LGD and tell finance."),
    ("playbook.step.net_charge_off.4", "向风险委员会报告全年预计损失。",
     "Report the loss expected for the year to the risk committee."),
    # the model's PSI
    ("playbook.step.model_psi.1", "在模型页面找出 CSI 变动最大的特征。",
     "Find the features whose CSI moved most on the Model page."),
    ("playbook.step.model_psi.2", "确认是客群变化（新渠道、新产品）还是数据出错。",
     "Find out whether the population changed (a new channel, a new product) or the data broke."),
    ("playbook.step.model_psi.3", "超过 0.25：重新训练或校准评分卡，验证通过后再启用。",
     "Above 0.25: retrain or recalibrate the scorecard and have it validated before it is used."),
    # hours since the last batch
    ("playbook.step.hours_since_batch.1", "查看数据页面：最近一批数据、被拒行以及实时数据的状态。",
     "Check the Data page: the last batch, its rejected rows and the state of the live feed."),
    ("playbook.step.hours_since_batch.2", "联系缺失数据源的负责人，约定下一个文件的时间。",
     "Call the owner of the missing source and agree when the next file comes."),
    ("playbook.step.hours_since_batch.3", "数据恢复前，在报告中标明当日数字已过时，不要仅凭其做决定。",
     "Until the data is back, mark today's figures as stale in reports and do not act on them alone."),
    # collection entry rate, month to date
    ("playbook.step.entry_rate_mtd.1", "检查还款渠道：自动扣款成功率下降会在当日推高入催率。",
     "Check the payment channels: fewer successful auto-debits raise the entry rate the same day."),
    ("playbook.step.entry_rate_mtd.2", "在到期日前两天和到期当日发送还款提醒（短信、App 推送）。",
     "Send reminders (SMS, app push) two days before the due date and on it."),
    ("playbook.step.entry_rate_mtd.3", "入催率高于黄色预警线期间，把催收人员调往逾期首几天的账户。",
     "While the entry rate is above amber, move agents to the accounts in their first days past due."),
    ("playbook.step.entry_rate_mtd.4", "若由某一渠道或产品驱动，收紧其审批分数线。",
     "If one channel or product drives it, tighten its cut-off."),
)
