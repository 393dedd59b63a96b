"""Pooling saved MDGP benchmark runs: the protocol may run in several sittings."""

import json

import pytest

from benchmarks import bench_grouping


@pytest.fixture
def mdgp_dir(tmp_path, monkeypatch):
    root = tmp_path / "mdgp"
    root.mkdir()
    (root / "best_known.csv").write_text(
        "instance,bks,tpsdp_avg\nRanInt_n480_ss_01,100,98\n"
    )
    monkeypatch.setenv("MDGP_DIR", str(root))
    return root


def result_file(tmp_path, name, seeds, objectives, limit=120.0, threads=2):
    row = {
        "instance": "RanInt_n480_ss_01",
        "limit_s": limit,
        "threads": threads,
        "seeds": len(seeds),
        "seed_list": seeds,
        "objectives": objectives,
        "max_wall_s": 120.5,
        "mean_cpu_s": 238.0,
        "max_load_before": 0.2,
    }
    path = tmp_path / name
    path.write_text(json.dumps({"rows": [row]}))
    return path


def test_merge_pools_the_seeds_of_several_sittings(tmp_path, mdgp_dir, capsys):
    first = result_file(tmp_path, "a.json", [1, 2], [100.0, 97.0])
    second = result_file(tmp_path, "b.json", [3], [99.0])

    out = bench_grouping.merge_reports([first, second])

    (row,) = out["rows"]
    assert row["seed_list"] == [1, 2, 3]
    assert row["avg"] == pytest.approx(98.666666, abs=1e-5)
    assert row["hits"] == 1
    assert row["beats_tpsdp_avg"] is True
    assert out["summary"]["480"]["instances_avg_ge_tpsdp_avg"] == 1


def test_merge_refuses_a_seed_counted_twice(tmp_path, mdgp_dir):
    first = result_file(tmp_path, "a.json", [1, 2], [100.0, 97.0])
    again = result_file(tmp_path, "b.json", [2], [99.0])

    with pytest.raises(SystemExit, match="seed 2 appears twice"):
        bench_grouping.merge_reports([first, again])


def test_merge_refuses_runs_at_another_limit_or_thread_count(tmp_path, mdgp_dir):
    first = result_file(tmp_path, "a.json", [1], [100.0])
    shorter = result_file(tmp_path, "b.json", [2], [99.0], limit=20.0)
    single = result_file(tmp_path, "c.json", [3], [99.0], threads=1)

    with pytest.raises(SystemExit, match="was run at"):
        bench_grouping.merge_reports([first, shorter])
    with pytest.raises(SystemExit, match="was run at"):
        bench_grouping.merge_reports([first, single])


def test_merge_refuses_an_old_file_without_its_seeds(tmp_path, mdgp_dir):
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps({"rows": [{"instance": "RanInt_n480_ss_01", "objectives": [1.0]}]})
    )

    with pytest.raises(SystemExit, match="does not list its seeds"):
        bench_grouping.merge_reports([path])
