"""Time the officer's walkthrough through the app's API: upload a recording, make a fake, get the
side-by-side comparison, export the MP4 (issue 10, "under two minutes").

Start the app first (``python app.py --port 7860``), then::

    python scripts/time_training_walkthrough.py my_10s_recording.mp4 --kind noblink shift swap

Prints one line per kind: seconds for upload + fake + both analyses + comparison, then for the
MP4 export, and the verdict and the two levels. The clock includes the upload (the client's
connection is made once, before the first kind).
"""
from __future__ import annotations

import argparse
import re
import time


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("recording")
    ap.add_argument("--kind", nargs="+", default=["noblink"])
    ap.add_argument("--url", default="http://127.0.0.1:7860/")
    ap.add_argument("--lang", default="vi")
    args = ap.parse_args(argv)
    from gradio_client import Client, handle_file

    client = Client(args.url, verbose=False)
    for kind in args.kind:
        t0 = time.perf_counter()
        out = client.predict(handle_file(args.recording), "", kind, 300, "", False, None, None, args.lang,
                             api_name="/training_tamper")
        page = out[0] if isinstance(out, (list, tuple)) else out
        t1 = time.perf_counter()
        client.predict(args.lang, api_name="/training_export_mp4")
        t2 = time.perf_counter()
        verdict = re.findall(r'data-verdict="(\w+)"', page)
        levels = re.findall(r'id="vr-level" data-level="(\w+)"', page)
        print(f"{kind}: side by side {t1 - t0:.1f} s, + MP4 export {t2 - t1:.1f} s (total {t2 - t0:.1f} s); "
              f"verdict {verdict[0] if verdict else '?'}, levels {' -> '.join(levels)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
