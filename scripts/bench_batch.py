"""Benchmark of ``verifier batch`` (not a test): the 60-file acceptance folder, 1 vs 2 workers.

    python scripts/bench_batch.py make DIR            # generate the folder (voice/, clips/, hostile entries)
    python scripts/bench_batch.py run DIR OUTDIR [--what accept voice dask kill]

``make`` writes 60 entries: 36 voice notes (10–60 s; wav, ogg, and some without extension),
16 call clips (10–30 s at 480p and 720p) and 8 broken or hostile entries (truncated clip,
truncated voice note, zero bytes, text named .mp4, random bytes named .wav, a link pointing
outside, a folder named .mp4, a voice note whose name is not UTF-8).
``run`` runs the batch CLI in a subprocess per measurement and prints a markdown table:
``accept`` (whole folder, local, 2 workers), ``voice`` (voice notes only, local, 1 then 2 workers),
``dask`` (voice notes, Dask LocalCluster of 2 workers), ``kill`` (whole folder, killed when half
the entries are written, then rerun; compared with ``accept``), ``growth`` (how one clip's cost grows
from 10 s to 300 s: 720p call clips generated in OUTDIR, one ``verifier analyze`` process each, CPU
seconds, wall seconds and peak memory from the operating system's accounting of the child). Files per minute are given over
the whole command (worker start-up included) and over the analyses only (first start to last
finish). The machine's load average is printed with each row: it is shared.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

VOICE_S = (10, 20, 30, 45, 60, 15)  # cycled over the 36 voice notes
CLIPS = [(d, size) for d in (10, 20, 30, 15) for size in ((854, 480), (1280, 720))] * 2  # 16 clips


def make(folder: str) -> None:
    import soundfile as sf

    from verifier.analysis.synth import make_call_clip, speech_like, write_wav

    os.makedirs(os.path.join(folder, "voice"), exist_ok=True)
    os.makedirs(os.path.join(folder, "clips"), exist_ok=True)
    for i in range(36):
        y = speech_like(VOICE_S[i % len(VOICE_S)], seed=100 + i, f0_hz=110 + 7 * (i % 9)).y
        base = os.path.join(folder, "voice", f"note_{i:02d}")
        if i % 3 == 0:
            sf.write(base + ".ogg", y, 16000, format="OGG", subtype="VORBIS")
        elif i % 5 == 1:
            write_wav(base + ".tmp.wav", y, 16000)
            os.rename(base + ".tmp.wav", base)  # no extension: recognised by content
        else:
            write_wav(base + ".wav", y, 16000)
    for i, (d, size) in enumerate(CLIPS):
        make_call_clip(os.path.join(folder, "clips", f"call_{i:02d}_{size[1]}p.mp4"), duration_s=d, size=size,
                       seed=200 + i, blink_times_s=tuple(0.7 + 3.1 * k for k in range(int(d // 3.1))))
    clip = open(os.path.join(folder, "clips", "call_00_480p.mp4"), "rb").read()
    with open(os.path.join(folder, "truncated_call.mp4"), "wb") as f:
        f.write(clip[: len(clip) // 2])
    note = open(os.path.join(folder, "voice", "note_00.ogg"), "rb").read()
    with open(os.path.join(folder, "truncated_note.ogg"), "wb") as f:
        f.write(note[: 300])
    open(os.path.join(folder, "empty.mp4"), "wb").close()
    with open(os.path.join(folder, "readme.mp4"), "w") as f:
        f.write("This is a text file with a video's name.\n")
    with open(os.path.join(folder, "noise.wav"), "wb") as f:
        f.write(os.urandom(4096))
    outside = os.path.join(os.path.dirname(os.path.abspath(folder)), "outside_target.wav")
    shutil.copyfile(os.path.join(folder, "voice", "note_01"), outside)
    if not os.path.lexists(os.path.join(folder, "link_outside.wav")):
        os.symlink(outside, os.path.join(folder, "link_outside.wav"))
    os.makedirs(os.path.join(folder, "folder.mp4"), exist_ok=True)
    y = speech_like(12, seed=999).y
    write_wav(os.path.join(folder, "tmp.wav"), y, 16000)
    os.rename(os.path.join(os.fsencode(folder), b"tmp.wav"), os.path.join(os.fsencode(folder), b"tin_nh\xe1n.wav"))


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _batch(inp: str, out: str, *extra: str, kill_at: int | None = None) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "verifier", "batch", inp, "--out", out, "--json", "--lang", "en", *extra]
    load0 = _load()
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    if kill_at is not None:
        from verifier.batch.outputs import read_jsonl

        while p.poll() is None and len(read_jsonl(os.path.join(out, "results.jsonl"))) < kill_at:
            time.sleep(0.1)
        os.killpg(p.pid, signal.SIGKILL)
    _, err = p.communicate()
    wall = time.perf_counter() - t0
    return {"rc": p.returncode, "wall_s": wall, "load_before": load0, "load_after": _load(),
            "stderr": err.decode(errors="replace")[-2000:]}


def _stats(out: str, run: dict) -> dict:
    from verifier.batch.outputs import read_jsonl

    lines = read_jsonl(os.path.join(out, "results.jsonl"))
    tim = read_jsonl(os.path.join(out, "timings.jsonl"))
    peak = {}
    for t in tim:
        peak[t["pid"]] = max(peak.get(t["pid"], 0), t["peak_rss_mib"])
    stages = {}
    for t in tim:
        for k, v in t["stages_s"].items():
            stages[k] = stages.get(k, 0.0) + v
    span = (max(t["t_done"] for t in tim) - min(t["t_start"] for t in tim)) if tim else float("nan")
    statuses = {}
    for ln in lines:
        statuses[ln["batch"]["status"]] = statuses.get(ln["batch"]["status"], 0) + 1
    return {**run, "entries": len(lines), "analysed": len(tim), "statuses": statuses,
            "failed": sum(1 for ln in lines if ln.get("error")),
            "files_per_min_total": 60 * len(tim) / run["wall_s"], "analysis_span_s": span,
            "files_per_min_analysis": 60 * len(tim) / span if tim else float("nan"),
            "peak_rss_mib_per_worker": sorted(peak.values()), "stage_s": {k: round(v, 1) for k, v in stages.items()}}


def _row(name: str, s: dict) -> str:
    return (f"| {name} | {s['entries']} | {s['analysed']} | {s['failed']} | {s['wall_s']:.0f} | "
            f"{s['files_per_min_total']:.1f} | {s['files_per_min_analysis']:.1f} | "
            f"{', '.join(f'{m:.0f}' for m in s['peak_rss_mib_per_worker'])} | {s['load_before']} → {s['load_after']} |")


GROWTH_S = (10, 60, 300)  # clip durations for ``growth``, s


def growth(outdir: str) -> list[dict]:
    """One ``verifier analyze`` process per 720p clip of each length in :data:`GROWTH_S`."""
    from verifier.analysis.synth import make_call_clip

    rows = []
    for d in GROWTH_S:
        clip = os.path.join(outdir, f"growth_{d}s_720p.mp4")
        if not os.path.exists(clip):
            make_call_clip(clip, duration_s=d, fps=30, size=(1280, 720), face_px=400, seed=3,
                           blink_times_s=tuple(float(x) for x in range(2, d, 3)))
        load0 = _load()
        with tempfile.TemporaryFile() as out:
            t0 = time.perf_counter()
            p = subprocess.Popen([sys.executable, "-m", "verifier", "analyze", clip, "--json"], cwd=ROOT,
                                 stdout=out, stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)  # this child's own CPU time and peak memory
            wall = time.perf_counter() - t0
            p.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            report = json.loads(out.read() or b"{}")
        rows.append({"clip_s": d, "rc": p.returncode, "wall_s": round(wall, 1),
                     "cpu_s": round(ru.ru_utime + ru.ru_stime, 1), "peak_mib": round(ru.ru_maxrss / 1024),
                     "load_before": load0, "load_after": _load(), "level": report.get("level")})
    return rows


def run(folder: str, outdir: str, what: list[str]) -> None:
    from verifier.batch.outputs import comparable, read_jsonl

    os.makedirs(outdir, exist_ok=True)
    voice_dir = os.path.join(folder, "voice")
    res = {}
    if "voice" in what:
        res["voice, local, 1 worker"] = _stats(os.path.join(outdir, "voice1"),
                                               _batch(voice_dir, os.path.join(outdir, "voice1"), "--workers", "1"))
        res["voice, local, 2 workers"] = _stats(os.path.join(outdir, "voice2"),
                                                _batch(voice_dir, os.path.join(outdir, "voice2"), "--workers", "2"))
    if "dask" in what:
        res["voice, dask LocalCluster, 2 workers"] = _stats(
            os.path.join(outdir, "voice_dask"),
            _batch(voice_dir, os.path.join(outdir, "voice_dask"), "--workers", "2", "--engine", "dask"))
    if "accept" in what:
        res["60 entries, local, 2 workers"] = _stats(os.path.join(outdir, "accept"),
                                                     _batch(folder, os.path.join(outdir, "accept"), "--workers", "2"))
    if "growth" in what:
        res["growth"] = growth(outdir)
    if "kill" in what:
        k = os.path.join(outdir, "killed")
        first = _batch(folder, k, "--workers", "2", kill_at=30)
        n_at_kill = len(read_jsonl(os.path.join(k, "results.jsonl")))
        again = subprocess.run([sys.executable, "-m", "verifier", "batch", folder, "--out", k, "--json",
                                "--lang", "en", "--workers", "2"], cwd=ROOT, capture_output=True)
        a = {json.dumps(comparable(x), sort_keys=True) for x in read_jsonl(os.path.join(outdir, "accept", "results.jsonl"))}
        b = {json.dumps(comparable(x), sort_keys=True) for x in read_jsonl(os.path.join(k, "results.jsonl"))}
        res["kill"] = {"lines_at_kill": n_at_kill, "rc_first": first["rc"], "rc_rerun": again.returncode,
                       "same_set_as_accept": a == b, "lines": len(b)}
    if any(name not in ("kill", "growth") for name in res):
        print("| run | entries | analysed | could not be analysed | wall s | files/min (whole command) | "
              "files/min (analyses only) | peak MiB per worker | load avg before → after |")
        print("|---|---|---|---|---|---|---|---|---|")
    for name, s in res.items():
        if name not in ("kill", "growth"):
            print(_row(name, s))
    for name, s in res.items():
        if name not in ("kill", "growth"):
            print(f"- {name}: statuses {s['statuses']}; seconds per stage (summed over files) {s['stage_s']}")
    if "voice, local, 1 worker" in res and "voice, local, 2 workers" in res:
        a, b = res["voice, local, 1 worker"], res["voice, local, 2 workers"]
        print(f"- 2 vs 1 worker on the voice notes: ×{b['files_per_min_total'] / a['files_per_min_total']:.2f} "
              f"(whole command), ×{b['files_per_min_analysis'] / a['files_per_min_analysis']:.2f} (analyses only)")
    if "kill" in res:
        print(f"- kill half-way: {res['kill']}")
    if "growth" in res:
        print("\n| 720p clip, s | CPU s | wall s | peak MiB | load before → after | level |\n|---|---|---|---|---|---|")
        for g in res["growth"]:
            print(f"| {g['clip_s']} | {g['cpu_s']} | {g['wall_s']} | {g['peak_mib']} | {g['load_before']} → "
                  f"{g['load_after']} | {g['level']} |")
    with open(os.path.join(outdir, "bench.json"), "w") as f:
        json.dump(res, f, indent=2)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("folder")
    r = sub.add_parser("run")
    r.add_argument("folder")
    r.add_argument("outdir")
    r.add_argument("--what", nargs="+", default=["voice", "accept"], choices=("voice", "dask", "accept", "kill", "growth"))
    a = ap.parse_args(argv)
    if a.cmd == "make":
        make(a.folder)
    else:
        run(a.folder, a.outdir, a.what)


if __name__ == "__main__":
    main()
