"""The comparison benchmark works end to end on a small store (make bench alone judges time)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_prints_each_tab_against_its_sql(tmp_path: Path) -> None:
    # a process of its own: the benchmark sets up an app on its own database
    args = ["--regions", "40", "--indicators", "3", "--years", "3", "--runs", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "bench.compare", *args, "--folder", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("compare: ") and "observations" in lines[0]
    pattern = (
        r"  (line|rank|map) +view +[\d.]+ ms \| SQL aggregate +[\d.]+ ms \| ratio +[\d.]+ "
        r"\(target ≤ 1\.5\) (PASS|MISS) \| rows read +[\d.]+ ms \(ratio +[\d.]+\) \| "
        r"warm +[\d.]+ ms \| the view sent \d+ statements"
    )
    assert [re.match(pattern, line).group(1) for line in lines[1:4]] == ["line", "rank", "map"]
    assert re.match(r"  Dash's floor: .* [\d.]+ ms$", lines[4])
