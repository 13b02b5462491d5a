"""Investigator batch mode (verifier batch / verify): walk, outputs, resume, engines, custody.

The end-to-end tests analyse a small generated folder (2–3 s voice notes and a 2 s clip, plus
broken and hostile entries) with real worker processes; the 60-file acceptance folder is
scripts/bench_batch.py's job, not CI's.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time

import pytest

from verifier.batch.outputs import comparable, read_jsonl
from verifier.batch.walk import sniff, walk

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NON_UTF8 = b"ghi_\xe9_am.wav"  # Latin-1 "é": not valid UTF-8
HOSTILE = {  # entry → the reason it must be given
    "empty.m4a": "error.empty_file",
    "notes.mp4": "batch.skip.not_media",
    "outside.mp3": "batch.skip.symlink_outside",
    "folder.mp4": "batch.skip.directory",
}


def _make_folder(base) -> str:
    from verifier.analysis.synth import make_call_clip, speech_like, write_wav

    d = os.path.join(base, "evidence")
    os.makedirs(os.path.join(d, "sub"))
    write_wav(os.path.join(d, "voice_a.wav"), speech_like(2.5, seed=1).y, 16000)
    write_wav(os.path.join(d, "sub", "voice_b.wav"), speech_like(3.0, seed=2).y, 16000)
    make_call_clip(os.path.join(d, "clip.mp4"), duration_s=2.0, size=(320, 240), seed=1)
    shutil.copyfile(os.path.join(d, "voice_a.wav"), os.path.join(d, "sub", "forwarded_copy.bin"))  # same content, no media name
    with open(os.path.join(d, "clip.mp4"), "rb") as f:
        data = f.read()
    with open(os.path.join(d, "truncated.mp4"), "wb") as f:
        f.write(data[: len(data) // 3])
    open(os.path.join(d, "empty.m4a"), "wb").close()
    with open(os.path.join(d, "notes.mp4"), "w") as f:
        f.write("not a video, just text named .mp4\n")
    secret = os.path.join(base, "outside_secret.wav")
    shutil.copyfile(os.path.join(d, "voice_a.wav"), secret)
    os.symlink(secret, os.path.join(d, "outside.mp3"))
    os.mkdir(os.path.join(d, "folder.mp4"))
    write_wav(os.path.join(d, "tmp.wav"), speech_like(2.0, seed=4).y, 16000)
    os.rename(os.path.join(os.fsencode(d), b"tmp.wav"), os.path.join(os.fsencode(d), NON_UTF8))
    return d


def _snapshot(root: str) -> dict:
    """path → (sha256, size, mtime_ns, mode) of every file, and mtimes of folders (links not followed)."""
    from verifier.analysis.registry import sha256_of

    out = {}
    for dirpath, dirs, files in os.walk(os.fsencode(root)):
        out[dirpath] = (None, None, os.lstat(dirpath).st_mtime_ns, None)
        for n in files:
            p = os.path.join(dirpath, n)
            st = os.lstat(p)
            sha = None if stat.S_ISLNK(st.st_mode) else sha256_of(os.fsdecode(p))
            out[p] = (sha, st.st_size, st.st_mtime_ns, st.st_mode)
    return out


def _read_only(root: str) -> None:
    for dirpath, dirs, files in os.walk(root):
        for n in files:
            p = os.path.join(dirpath, n)
            if not os.path.islink(p):
                os.chmod(p, 0o444)
        os.chmod(dirpath, 0o555)


def _lines(out: str) -> list[dict]:
    return read_jsonl(os.path.join(out, "results.jsonl"))


def _as_set(lines) -> set[str]:
    return {json.dumps(comparable(ln), sort_keys=True) for ln in lines}


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    d = _make_folder(str(base))
    _read_only(d)
    yield d
    for dirpath, dirs, files in os.walk(d):
        os.chmod(dirpath, 0o755)


@pytest.fixture(scope="module")
def local_run(evidence, tmp_path_factory):
    """One uninterrupted local run with 2 workers; the inputs' snapshot before and after."""
    from verifier.batch.run import run_batch
    from verifier.core.params import BatchParams

    before = _snapshot(evidence)
    out = str(tmp_path_factory.mktemp("out_local"))
    summary = run_batch(evidence, out, BatchParams(workers=2, lang="en", timeout_s=300), progress=False)
    return out, summary, before, _snapshot(evidence)


# --- walk (fast) --------------------------------------------------------------------------------

def test_sniff_recognises_containers_by_content_not_name():
    assert sniff(b"\x00\x00\x00\x20ftypisom\x00\x00") == "iso-bmff"
    assert sniff(b"RIFF\x24\x00\x00\x00WAVEfmt ") == "riff-wave"
    assert sniff(b"OggS\x00\x02") == "ogg"
    assert sniff(b"#!AMR\n") == "amr"
    assert sniff(b"\xff\xf1\x50\x80") == "adts"
    assert sniff(b"not a video, just text\n") is None
    assert sniff(b"RIFF\x24\x00\x00\x00XXXX") is None


def test_walk_gives_every_hostile_entry_its_reason_and_follows_no_link_out(tmp_path):
    d = _make_folder(str(tmp_path))
    os.symlink(os.path.join(d, "voice_a.wav"), os.path.join(d, "inside_link.wav"))
    entries = {e.rel: e for e in walk(d)}
    for name, key in HOSTILE.items():
        assert entries[name].skip_key == key, name
    assert entries["outside.mp3"].sha256 is None  # the target outside was never read
    assert entries["inside_link.wav"].skip_key is None  # a link within the folder is analysed
    assert entries["inside_link.wav"].sha256 == entries["voice_a.wav"].sha256
    assert entries["sub/forwarded_copy.bin"].container == "riff-wave"  # content, not name
    assert entries["truncated.mp4"].skip_key is None  # recognised; the analysis says it is damaged
    escaped = [e for e in entries.values() if e.name_escaped]
    assert [e.rel for e in escaped] == ["ghi_\\xe9_am.wav"]
    assert os.path.isfile(escaped[0].path)  # the real (non-UTF-8) name still opens



def test_walk_order_does_not_depend_on_the_order_the_file_system_lists(tmp_path, monkeypatch):
    """Byte-sorted relative paths, even when the file system lists entries in reverse order."""
    import verifier.batch.walk as walk_mod

    d = _make_folder(str(tmp_path))
    as_listed = [e.rel for e in walk(d)]
    real_walk = os.walk

    def reversed_walk(top, *a, **k):
        for dirpath, dirnames, filenames in real_walk(top, *a, **k):
            dirnames.reverse()
            yield dirpath, dirnames, filenames[::-1]

    monkeypatch.setattr(walk_mod.os, "walk", reversed_walk)
    reversed_listing = [e.rel for e in walk(d)]
    assert reversed_listing == as_listed
    rels = [os.fsencode(r) for r in as_listed if "\\x" not in r]  # names shown as escapes sort by their bytes
    assert rels == sorted(rels) and len(as_listed) >= 10


def test_an_output_folder_inside_the_evidence_is_refused(tmp_path):
    from verifier.batch.run import run_batch
    from verifier.core.errors import ParameterError

    (tmp_path / "ev").mkdir()
    with pytest.raises(ParameterError, match="inside the input folder"):
        run_batch(str(tmp_path / "ev"), str(tmp_path / "ev" / "results"), progress=False)
    assert not (tmp_path / "ev" / "results").exists()


def test_a_results_folder_resumes_only_with_the_analysis_settings_it_was_started_with(tmp_path):
    from verifier.analysis.voice.detector import ALL_WINDOWS
    from verifier.batch.run import run_batch
    from verifier.core.constants import MAX_WINDOWS
    from verifier.core.errors import ParameterError
    from verifier.core.params import AnalysisParams, BatchParams

    (tmp_path / "ev").mkdir()  # nothing to analyse: the run only writes its manifest
    ev, out = str(tmp_path / "ev"), str(tmp_path / "out")
    run_batch(ev, out, BatchParams(), progress=False)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["parameters"]["voice_windows"] == MAX_WINDOWS
    assert AnalysisParams.from_dict(manifest["parameters"]["analysis"]) == AnalysisParams()  # every setting recorded

    def windows(n):
        return BatchParams(analysis=AnalysisParams.from_overrides({"voice": {"timeline_windows": n}}))

    run_batch(ev, out, windows(MAX_WINDOWS), progress=False)  # same settings: resumes
    with pytest.raises(ParameterError, match="--voice-windows 3, not 10000"):
        run_batch(ev, out, windows(ALL_WINDOWS), progress=False)
    with pytest.raises(ParameterError, match="--kind auto, not audio"):
        run_batch(ev, out, BatchParams(kind="audio"), progress=False)
    del manifest["parameters"]["voice_windows"]  # a manifest older than the option held the default
    (tmp_path / "out" / "manifest.json").write_text(json.dumps(manifest))
    run_batch(ev, out, BatchParams(), progress=False)
    with pytest.raises(ParameterError, match="timeline_windows"):
        windows(0)


def test_a_batch_task_scores_every_voice_window_when_asked(tmp_path):
    from verifier.analysis.synth import speech_like, write_wav
    from verifier.analysis.voice.detector import ALL_WINDOWS
    from verifier.batch.worker import Task, run_task
    from verifier.core.constants import MAX_WINDOWS
    from verifier.core.params import AnalysisParams

    wav = str(tmp_path / "note.wav")
    write_wav(wav, speech_like(15.0, seed=3).y, 16000)
    default = run_task(Task("0" * 64, wav, "note.wav", "audio", "en"))["report"]["signals"]["voice"]
    if default["explanation"] == "voice.model_missing":
        pytest.skip("AASIST-L is not installed")
    every = run_task(Task("0" * 64, wav, "note.wav", "audio", "en",
                          AnalysisParams.from_overrides({"voice": {"timeline_windows": ALL_WINDOWS}})))["report"]["signals"]["voice"]
    assert default["evidence"]["windows"] == MAX_WINDOWS < every["evidence"]["grid_windows"]
    assert every["evidence"]["windows"] == every["evidence"]["grid_windows"] == len(every["evidence"]["window_p_fake"])


# --- end to end (worker processes) --------------------------------------------------------------

@pytest.mark.slow
def test_local_run_records_every_entry_with_a_reason_and_leaves_inputs_untouched(local_run, evidence):
    out, summary, before, after = local_run
    assert after == before  # SHA-256, sizes, mtimes and modes of every input unchanged
    lines = _lines(out)
    by_path = {ln["batch"]["path"]: ln for ln in lines}
    assert sorted(by_path) == sorted(e.rel for e in walk(evidence))  # one line per entry, none lost
    assert len(lines) == len(by_path)
    for name, key in HOSTILE.items():
        assert by_path[name]["batch"]["status"] == "skipped" and by_path[name]["error_key"] == key
        assert by_path[name]["error"] and name in by_path[name]["error"]
    trunc = by_path["truncated.mp4"]
    assert trunc["batch"]["status"] == "analysed" and trunc["error_key"] in ("error.corrupt", "error.not_media")
    for p in ("sub/forwarded_copy.bin", "sub/voice_b.wav", "clip.mp4", "ghi_\\xe9_am.wav"):
        assert by_path[p]["error"] is None and by_path[p]["file"] == p, p
        html = os.path.join(out, by_path[p]["batch"]["report_html"])
        with open(os.path.join(out, by_path[p]["batch"]["report_json"]), encoding="utf-8") as f:
            assert json.load(f)["sha256"] == by_path[p]["sha256"]
        assert os.path.basename(html) == f"{by_path[p]['sha256']}.report.html"
    first, second = "sub/forwarded_copy.bin", "voice_a.wav"  # same bytes; the first in byte order is analysed
    assert by_path[first]["batch"]["status"] == "analysed" and by_path[first]["error"] is None
    assert by_path[second]["batch"]["status"] == "duplicate"
    assert by_path[second]["batch"]["duplicate_of"] == first
    assert by_path[second]["sha256"] == by_path[first]["sha256"]
    assert by_path[second]["signals"] == by_path[first]["signals"]
    # summary.csv by risk, index.html links every report, manifest lists every input and model
    import csv

    with open(os.path.join(out, "summary.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    risks = [float(r["risk"]) for r in rows if r["risk"]]
    assert risks == sorted(risks, reverse=True) and len(rows) == len(lines)
    assert all(not r["risk"] for r in rows[len(risks):])
    with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
        index = f.read()
    for ln in lines:
        if ln["batch"]["report_html"]:
            assert ln["batch"]["report_html"] in index
    assert "<script" not in index and "http" not in index.replace('href="reports/', "")
    with open(os.path.join(out, "manifest.json"), encoding="utf-8") as f:
        man = json.load(f)
    assert {i["path"]: i["sha256"] for i in man["inputs"]} == {ln["batch"]["path"]: ln["sha256"] for ln in lines}
    assert man["models"] and all(len(m["sha256"]) == 64 for m in man["models"])
    assert man["parameters"]["workers"] == 2 and man["started_at"] <= man["ended_at"]
    assert summary.failed == len(HOSTILE) + 1  # the hostile entries and the truncated clip
    # each worker loaded the models once: at most 2 worker processes did the analyses
    pids = {t["pid"] for t in read_jsonl(os.path.join(out, "timings.jsonl"))}
    assert 1 <= len(pids) <= 2


@pytest.mark.slow
def test_a_rerun_resumes_without_redoing_anything(local_run, evidence, tmp_path):
    from verifier.batch.run import run_batch
    from verifier.core.params import BatchParams

    out = str(tmp_path / "copy")
    shutil.copytree(local_run[0], out)
    s = run_batch(evidence, out, BatchParams(workers=2, lang="en"), progress=False)
    assert s.new_lines == 0
    assert _as_set(_lines(out)) == _as_set(_lines(local_run[0]))


@pytest.mark.slow
def test_killed_half_way_then_rerun_gives_the_uninterrupted_results(local_run, evidence, tmp_path):
    out = str(tmp_path / "killed")
    cmd = [sys.executable, "-m", "verifier", "batch", evidence, "--out", out, "--workers", "2", "--json", "--lang", "en"]
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = os.path.join(out, "results.jsonl")
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and p.poll() is None:
            if any(ln["batch"]["status"] == "analysed" for ln in read_jsonl(results)):
                break
            time.sleep(0.05)
    finally:
        os.killpg(p.pid, signal.SIGKILL)  # the batch and its workers, mid-run
        p.wait()
    n_at_kill = len(read_jsonl(results))
    assert 0 < n_at_kill < len(_lines(local_run[0])), "the kill did not land half-way"
    rc = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=600).returncode
    assert rc == 1  # some entries could not be analysed (the hostile ones)
    assert _as_set(_lines(out)) == _as_set(_lines(local_run[0]))
    assert len(_lines(out)) == len(_lines(local_run[0]))


@pytest.mark.slow
def test_dask_local_cluster_of_two_workers_gives_the_local_results(local_run, evidence, tmp_path):
    pytest.importorskip("distributed")
    from verifier.batch.run import run_batch
    from verifier.core.params import BatchParams

    before = _snapshot(evidence)
    out = str(tmp_path / "dask")
    run_batch(evidence, out, BatchParams(workers=2, engine="dask", lang="en", timeout_s=300), progress=False)
    assert _as_set(_lines(out)) == _as_set(_lines(local_run[0]))
    assert _snapshot(evidence) == before


@pytest.mark.slow
def test_a_file_past_its_time_limit_is_retried_once_then_recorded_with_the_reason(tmp_path):
    from verifier.analysis.synth import make_call_clip
    from verifier.batch.run import run_batch
    from verifier.core.params import BatchParams

    ev = tmp_path / "ev"
    ev.mkdir()
    make_call_clip(str(ev / "clip.mp4"), duration_s=2.0, size=(320, 240), seed=3)
    out = str(tmp_path / "out")
    run_batch(str(ev), out, BatchParams(workers=1, timeout_s=0.05, lang="en"), progress=False)
    (line,) = _lines(out)
    assert line["batch"]["status"] == "gave_up" and line["error_key"] == "batch.gave_up"
    assert "2 tries" in line["error"] and "time limit" in line["error"]
    events = [a["event"] for a in read_jsonl(os.path.join(out, "attempts.jsonl"))]
    assert events == ["start", "batch.timeout", "start", "batch.timeout"]
    # a rerun does not try a given-up file again
    run_batch(str(ev), out, BatchParams(workers=1, timeout_s=0.05, lang="en"), progress=False)
    assert len(_lines(out)) == 1 and len(read_jsonl(os.path.join(out, "attempts.jsonl"))) == 4


# --- custody and reproducibility ----------------------------------------------------------------

@pytest.mark.slow
def test_verify_passes_on_the_original_and_fails_on_a_modified_copy(local_run, evidence, tmp_path):
    from verifier.cli.main import main

    out = local_run[0]
    line = next(ln for ln in _lines(out) if ln["batch"]["path"] == "voice_a.wav")
    report = os.path.join(out, line["batch"]["report_json"])
    original = os.path.join(evidence, "voice_a.wav")
    assert main(["verify", report, original, "--lang", "en"]) == 0
    copy = tmp_path / "voice_a.wav"
    data = bytearray(open(original, "rb").read())
    data[-1] ^= 1  # one bit of the last sample
    copy.write_bytes(bytes(data))
    assert main(["verify", report, str(copy), "--lang", "en"]) == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert main(["verify", str(bad), original]) == 2


def test_verify_messages_name_both_hashes(tmp_path):
    from verifier.analysis.registry import sha256_of
    from verifier.batch.verify import verify

    f = tmp_path / "a.bin"
    f.write_bytes(b"evidence")
    rep = tmp_path / "r.json"
    rep.write_text(json.dumps({"sha256": sha256_of(f), "media": {"size_bytes": 8}}))
    assert verify(str(rep), str(f)).ok
    f.write_bytes(b"evidencE")
    v = verify(str(rep), str(f))
    assert not v.ok and v.expected in v.message("en") and v.actual in v.message("vi")


def test_the_same_file_twice_gives_the_same_json_apart_from_time_fields(tmp_path):
    from verifier.analysis.pipeline import analyze
    from verifier.analysis.synth import speech_like, write_wav

    p = str(tmp_path / "note.wav")
    write_wav(p, speech_like(3.0, seed=7).y, 16000)
    a, b = analyze(p).to_dict(), analyze(p).to_dict()
    assert a["error"] is None and a["signals"]
    assert comparable(a) == comparable(b)
    assert set(a) - set(comparable(a)) == {"analyzed_at", "elapsed_s"}
