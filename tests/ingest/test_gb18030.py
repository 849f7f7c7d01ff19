"""A GB18030-encoded CSV (what Excel writes on a Chinese Windows) with Chinese text loads correctly; so do UTF-8
with a BOM and Parquet."""

import polars as pl

from tests.ingest.helpers import book, count, ingest, loan, query, write

ACTIONS = "action_id,loan_id,action_at,action_type,agent_id,outcome\n"


def test_gb18030_with_chinese_text(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    row = f"900000001,{loan_id},2026-11-20 10:00:00,call,张三-二组,contacted\n"
    file = write(tmp_path, "催收记录.csv", ACTIONS + row, encoding="gb18030")
    assert file.read_bytes().decode("gb18030") and b"\xd5\xc5" in file.read_bytes()  # 张 in GB18030
    result = ingest(path, file)
    assert result.returncode == 0, result.stdout + result.stderr
    agent = query(path, "SELECT agent_id FROM collection_actions WHERE action_id = 900000001")["agent_id"]
    assert agent.to_list() == ["张三-二组"]
    assert query(path, "SELECT file_name FROM ingest_batches")["file_name"].to_list() == [str(file)]


def test_utf8_bom_and_parquet(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    loan_id = loan(path)["loan_id"]
    bom = write(tmp_path, "bom.csv", f"{ACTIONS}900000001,{loan_id},2026-11-20 10:00:00,sms,李四,no_answer\n",
                encoding="utf-8-sig")
    parquet = tmp_path / "actions.parquet"
    pl.DataFrame({"action_id": [900000002], "loan_id": [loan_id], "action_at": ["2026-11-21 10:00:00"],
                  "action_type": ["ivr"], "outcome": ["no_answer"]}).write_parquet(parquet)
    before = count(path, "collection_actions")
    result = ingest(path, bom, parquet)
    assert result.returncode == 0, result.stdout + result.stderr
    assert count(path, "collection_actions") == before + 2
