"""The command line: MDGPLIB runs, group files, clear errors, no Django."""

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "matching", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )


def write_instance(path: Path, n: int, bounds: list[tuple[int, int]], seed: int = 1):
    rng = np.random.default_rng(seed)
    lines = [f"{n} {len(bounds)} ds " + " ".join(f"{a} {b}" for a, b in bounds)]
    d = {}
    for i in range(n):
        for j in range(i + 1, n):
            d[(i, j)] = round(float(rng.uniform(0, 100)), 3)
            lines.append(f"{i} {j} {d[(i, j)]}")
    path.write_text("\n".join(lines) + "\n")
    return d


def test_mdgp_command_prints_a_feasible_solution_within_the_limit(tmp_path):
    f = tmp_path / "inst.txt"
    bounds = [(5, 9), (6, 8), (4, 10), (5, 7)]
    d = write_instance(f, 28, bounds)
    t0 = time.monotonic()
    proc = run("mdgp", str(f), "--time-limit", "1", "--seed", "3")
    wall = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"objective", "groups", "seconds"}
    assert wall < 2.0
    assert sorted(i for g in out["groups"] for i in g) == list(range(28))
    total = 0.0
    for g, members in enumerate(out["groups"]):
        assert bounds[g][0] <= len(members) <= bounds[g][1]
        total += sum(
            d[(min(i, j), max(i, j))] for i in members for j in members if i < j
        )
    assert out["objective"] == pytest.approx(total, abs=1e-6)


def test_mdgp_command_reports_a_bad_file_on_stderr(tmp_path):
    f = tmp_path / "bad.txt"
    f.write_text("3 1 ss 3 3\n0 1 5\n0 2 oops\n1 2 4\n")
    proc = run("mdgp", str(f), "--time-limit", "1")
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert "line 3, column 3" in proc.stderr


def people_csv(path: Path, n: int = 40, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["person", "organisation", "branch", "region", "years"])
        for i in range(n):
            w.writerow(
                [
                    f"person{i}",
                    f"org{rng.integers(8)}",
                    f"branch{rng.integers(3)}",
                    ["north", "south"][i % 2],
                    int(rng.integers(1, 30)),
                ]
            )


def test_groups_command_writes_every_person_once_and_meets_the_rules(tmp_path):
    people = tmp_path / "people.csv"
    people_csv(people)
    keep = tmp_path / "keep.csv"
    keep.write_text("person,group\nperson0,A\nperson1,A\nperson2,A\n")
    apart = tmp_path / "apart.csv"
    apart.write_text("manager,their manager\nperson5,person6\n")
    out = tmp_path / "groups.csv"
    proc = run(
        "groups",
        "--people", str(people),
        "--size", "8-10",
        "--mix", "organisation:3,branch:2,region,years",
        "--max-per", "organisation:2",
        "--keep", str(keep),
        "--apart", str(apart),
        "--time-limit", "2",
        "--seed", "4",
        "--out", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert {"objective", "groups", "seconds"} <= set(summary)
    assert all(r["satisfied"] for r in summary["rules"])
    with open(out, newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["person", "group"]
    group = {p: g for p, g in rows[1:]}
    assert len(group) == 40
    assert group["person0"] == group["person1"] == group["person2"]
    assert group["person5"] != group["person6"]


def test_groups_command_names_line_and_column_of_a_bad_cell(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("person,organisation\nanna,Kiruna\nbo\n")
    out = tmp_path / "groups.csv"
    proc = run("groups", "--people", str(people), "--size", "2", "--out", str(out))
    assert proc.returncode != 0
    assert "line 3" in proc.stderr and "columns" in proc.stderr
    assert not out.exists()


def test_groups_command_rejects_an_unknown_person_in_the_apart_file(tmp_path):
    people = tmp_path / "people.csv"
    people_csv(people, n=20)
    apart = tmp_path / "apart.csv"
    apart.write_text("person1,person2\nperson3,nobody\n")
    out = tmp_path / "groups.csv"
    proc = run(
        "groups", "--people", str(people), "--size", "4-5",
        "--apart", str(apart), "--out", str(out),
    )  # fmt: skip
    assert proc.returncode != 0
    assert "line 2, column 2" in proc.stderr and "nobody" in proc.stderr
    assert not out.exists()


def test_groups_command_explains_rules_that_cannot_hold(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(
        "person,organisation\n" + "".join(f"p{i},same\n" for i in range(8))
    )
    proc = run(
        "groups", "--people", str(people), "--size", "4", "--max-per",
        "organisation:1",
    )  # fmt: skip
    assert proc.returncode != 0
    assert "organisation" in proc.stderr and "hold only 2" in proc.stderr


def test_help_is_written_for_organisers():
    proc = run("groups", "--help")
    assert proc.returncode == 0
    assert "first column identifies the person" in proc.stdout
    assert "--max-per" in proc.stdout


def test_the_package_imports_no_django():
    code = (
        "import sys, matching, matching.grouping, matching.mdgp, matching.__main__;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_groups_command_puts_fixed_people_in_their_group(tmp_path):
    people = tmp_path / "people.csv"
    people_csv(people, n=20)
    fixed = tmp_path / "fixed.csv"
    fixed.write_text("person,group\nperson7,2\nperson8,2\n")
    out = tmp_path / "groups.csv"
    proc = run(
        "groups", "--people", str(people), "--size", "5",
        "--fixed", str(fixed), "--time-limit", "1", "--out", str(out),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with open(out, newline="") as fh:
        group = dict(list(csv.reader(fh))[1:])
    assert group["person7"] == group["person8"] == "2"


def test_groups_command_refuses_a_nul_byte_naming_the_line(tmp_path):
    people = tmp_path / "people.csv"
    people.write_bytes(
        b"person,organisation\nanna,Kiruna\nbo,Lu\x00lea\ncecilia,Umea\n"
    )
    proc = run("groups", "--people", str(people), "--size", "2")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "line 3" in proc.stderr and "NUL byte" in proc.stderr


def test_groups_command_refuses_a_nul_byte_in_a_rule_file(tmp_path):
    people = tmp_path / "people.csv"
    people_csv(people, n=20)
    apart = tmp_path / "apart.csv"
    apart.write_bytes(b"person0,person1\nperson2,\x00person3\n")
    proc = run("groups", "--people", str(people), "--size", "5", "--apart", str(apart))
    assert proc.returncode == 2
    assert "apart.csv, line 2" in proc.stderr and "NUL byte" in proc.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity", "1e999"])
def test_groups_command_refuses_a_number_that_is_not_finite(tmp_path, value):
    people = tmp_path / "people.csv"
    people.write_text(
        f"person,organisation,years\nanna,A,3\nbo,B,{value}\ncecilia,C,12\ndan,D,4\n"
    )
    proc = run("groups", "--people", str(people), "--size", "2")
    assert proc.returncode == 2
    assert "line 3, column 3" in proc.stderr and "finite number" in proc.stderr


def test_a_word_like_inf_in_a_text_column_is_a_category(tmp_path):
    people = tmp_path / "people.csv"
    people.write_text("person,team\nanna,INF\nbo,Ekonomi\ncecilia,INF\ndan,HR\n")
    proc = run("groups", "--people", str(people), "--size", "2", "--iterations", "2")
    assert proc.returncode == 0, proc.stderr
    assert all(r["satisfied"] for r in json.loads(proc.stdout)["rules"])


@pytest.mark.parametrize(
    "option", [["--mix", "organisation:nan"], ["--mix", "organisation:inf"]]
)
def test_groups_command_refuses_a_weight_that_is_not_finite(tmp_path, option):
    people = tmp_path / "people.csv"
    people_csv(people, n=20)
    proc = run("groups", "--people", str(people), "--size", "5", *option)
    assert proc.returncode == 2
    assert "--mix: weight of organisation must be a finite number" in proc.stderr


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_a_time_limit_that_is_not_finite_is_refused(tmp_path, value):
    people = tmp_path / "people.csv"
    people_csv(people, n=20)
    proc = run("groups", "--people", str(people), "--size", "5", "--time-limit", value)
    assert proc.returncode == 2
    assert "not a finite number" in proc.stderr


@pytest.mark.parametrize("value", ["nan", "inf"])
def test_mdgp_command_refuses_nan_and_inf_in_the_instance(tmp_path, value):
    f = tmp_path / "inst.txt"
    f.write_text(f"3 1 ss 3 3\n0 1 5\n0 2 {value}\n1 2 4\n")
    proc = run("mdgp", str(f), "--time-limit", "1")
    assert proc.returncode == 2
    assert "line 3" in proc.stderr and "finite number" in proc.stderr


def test_mdgp_command_refuses_a_nul_byte(tmp_path):
    f = tmp_path / "inst.txt"
    f.write_bytes(b"3 1 ss 3 3\n0 1 5\n0 2 7\n1 2\x00 4\n")
    proc = run("mdgp", str(f), "--time-limit", "1")
    assert proc.returncode == 2
    assert "line 4" in proc.stderr and "NUL byte" in proc.stderr


@pytest.mark.parametrize("where", ["missing-folder/groups.csv", "", "file/groups.csv"])
def test_an_out_file_that_cannot_be_written_is_refused_before_the_search(
    tmp_path, where
):
    people = tmp_path / "people.csv"
    people_csv(people, n=20)
    (tmp_path / "file").write_text("not a folder")
    out = tmp_path / where
    started = time.monotonic()
    proc = run(
        "groups", "--people", str(people), "--size", "5", "--time-limit", "30",
        "--out", str(out),
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: --out:")
    assert time.monotonic() - started < 20  # no 30 s search before the refusal
    assert proc.stdout == ""
