"""The liveness report contract: a missing challenge is never a pass."""
import json

import numpy as np

from verifier.liveness import CHALLENGE_KINDS, ChallengeReport, Moment, decide_verdict


def _m(kind, flags=()):
    return Moment(kind, 1.0, 2.0, 1.5, {"identity_distance": np.float32(0.3)}, list(flags),
                  [np.zeros((8, 8, 3), np.uint8)], [1.5])


def test_verdict_never_passes_missing_moments():
    assert decide_verdict([], {k: False for k in CHALLENGE_KINDS}) == "not_performed"
    assert decide_verdict([_m("turn_left")], {"turn_left": True}) == "partly_performed"
    every = [_m(k) for k in CHALLENGE_KINDS]
    assert decide_verdict(every, {k: True for k in CHALLENGE_KINDS}) == "no_anomaly_found"
    assert decide_verdict([_m("hand", ["challenge.flag.identity_jump"])], {"hand": True}) == "anomaly"


def test_report_json_has_no_pictures_and_is_serialisable():
    r = ChallengeReport("call.mp4", "ab" * 32, 12.0, [_m("hand")], {"hand": True}, "partly_performed")
    d = r.to_dict()
    s = json.dumps(d)
    assert "frames" not in d["moments"][0] and d["moments"][0]["measures"]["identity_distance"] == 0.3
    assert json.loads(s)["verdict"] == "partly_performed"
