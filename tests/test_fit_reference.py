"""The restructuring of `fit` into callbacks changed no number: today's code retrains the reference runs of
`tests/reference_run.py` and must reproduce the histories recorded by the code before it (timings aside)."""
import json, subprocess, sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def test_fit_reproduces_the_recorded_reference_histories(tmp_path):
    out = tmp_path / "now.json"
    subprocess.run([sys.executable, str(HERE / "reference_run.py"), str(out)], check=True, timeout=600)
    now, ref = json.loads(out.read_text()), json.loads((HERE / "data" / "fit_reference.json").read_text())
    assert sorted(now) == sorted(ref) == ["bucketed", "built", "padded"]
    for run in ref:
        a, b = now[run], ref[run]
        assert [sorted(r) for r in a["records"]] == [sorted(r) for r in b["records"]], run
        for ra, rb in zip(a["records"], b["records"]):
            for k in rb:   # the same machine gives identical numbers; another CPU may differ in the last bits
                np.testing.assert_allclose(ra[k], rb[k], rtol=1e-5, atol=1e-7, err_msg=f"{run}, epoch {rb['epoch']}: {k}")
        assert [len(x) for x in a["batch_losses"]] == [len(x) for x in b["batch_losses"]], run
        for xa, xb in zip(a["batch_losses"], b["batch_losses"]):
            np.testing.assert_allclose(xa, xb, rtol=1e-5, atol=1e-6, err_msg=f"{run}: batch losses")
        assert sorted(a["docs"]) == sorted(b["docs"]), run
        for k in b["docs"]:
            np.testing.assert_allclose(a["docs"][k], b["docs"][k], rtol=1e-5, atol=1e-6, err_msg=f"{run}: docs {k}")
