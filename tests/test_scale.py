"""`read_corpus` and `TextEncoder` on 200,000 documents stay within a few GB (figures: benchmarks/bench_scale.py)."""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_200k_documents_read_and_encoded_within_2_gib(tmp_path):
    out = tmp_path / "scale.json"
    p = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_scale.py"), "--docs", "200000", "--out", str(out)],
                       capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    print(p.stdout)
    r = json.loads(out.read_text())["result"]
    assert r["docs"] == 200_000 and r["classes"] == 48
    assert r["vocabulary"] > 200_000                  # real FOLDOC words plus one id word per document
    assert r["peak_above_imports_mib"] < 2048, r      # reading + encoding, on top of Python, pandas and Keras
    assert r["peak_rss_mib"] < 3072, r
