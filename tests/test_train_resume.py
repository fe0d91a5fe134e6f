"""Kill a real training process mid-epoch (SIGKILL), run it again, and get exactly the uninterrupted result."""
import json, signal, subprocess, sys, time
from pathlib import Path



JOB = Path(__file__).with_name("train_job.py")
EPOCHS = 4


def _run(run_dir, out):
    return subprocess.Popen([sys.executable, str(JOB), str(run_dir), str(EPOCHS), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _saved_epochs(run_dir):
    hs = list(Path(run_dir).glob("job-*/history.json"))
    return len(json.loads(hs[0].read_text())["epochs"]) if hs else 0


def test_sigkill_mid_epoch_then_resume_matches_uninterrupted(tmp_path):
    ref = _run(tmp_path / "ref", tmp_path / "ref.json")
    assert ref.wait(timeout=600) == 0, ref.stderr.read()[-3000:]
    reference = json.loads((tmp_path / "ref.json").read_text())
    assert len(reference["records"]) == EPOCHS

    job = _run(tmp_path / "runs", tmp_path / "out.json")
    deadline = time.time() + 600
    while _saved_epochs(tmp_path / "runs") < 1:          # wait until epoch 1 is committed...
        assert job.poll() is None, "the job ended before it could be interrupted: " + job.stderr.read()[-3000:]
        assert time.time() < deadline
        time.sleep(0.05)
    time.sleep(0.3)                                      # ...and epoch 2 is under way
    job.send_signal(signal.SIGKILL); job.wait()
    saved = _saved_epochs(tmp_path / "runs")
    assert 1 <= saved < EPOCHS, f"the kill came too late to test anything ({saved} epochs saved)"

    again = _run(tmp_path / "runs", tmp_path / "out.json")
    assert again.wait(timeout=600) == 0, again.stderr.read()[-3000:]
    resumed = json.loads((tmp_path / "out.json").read_text())
    assert resumed == reference
    ckpts = sorted(p.name for p in (tmp_path / "runs").glob("job-*/*.keras"))
    assert ckpts == [f"ckpt-{EPOCHS:04d}.keras"]             # older and half-written checkpoints are cleaned up

    # a finished run is returned without training: the third call is fast and changes nothing
    mtime = next((tmp_path / "runs").glob("job-*/history.json")).stat().st_mtime
    third = _run(tmp_path / "runs", tmp_path / "out3.json")
    assert third.wait(timeout=600) == 0
    assert json.loads((tmp_path / "out3.json").read_text()) == reference
    assert next((tmp_path / "runs").glob("job-*/history.json")).stat().st_mtime == mtime
