"""training/voice/fusion.py (issue 22, variant 4): the fixed fusion rule and its per-fold reference."""
import numpy as np
import pytest

pytest.importorskip("sklearn")

from training.voice import fusion  # noqa: E402
from training.voice.families import FAMILIES, split  # noqa: E402


def test_zmax_is_the_larger_z_and_never_below_either():
    za = np.array([-1.0, 0.5, 3.0])
    zb = np.array([2.0, 0.0, -4.0])
    f = fusion.fuse(za, zb, "zmax")
    assert f.tolist() == [2.0, 0.5, 3.0]
    assert np.all(f >= za) and np.all(f >= zb)
    assert fusion.fuse(za, zb, "zmean").tolist() == [0.5, 0.25, -0.5]
    with pytest.raises(ValueError):
        fusion.fuse(za, zb, "median")


def test_reference_standardises_the_given_reals_only():
    s = np.array([10.0, 2.0, 4.0, 100.0])
    ref = fusion.reference(s, [1, 2])
    assert ref[0] == pytest.approx(3.0) and ref[1] == pytest.approx(1.0)
    assert fusion.zscore(s, ref).tolist() == pytest.approx([7.0, -1.0, 1.0, 97.0])


def _meta():
    """A toy pool: per family 4 fakes; 30 reals, a third from the IndexTTS page's prompts; originals only."""
    meta = []
    for fam in FAMILIES:
        for k in range(4):
            meta.append({"id": f"{fam}/{k}", "label": "fake", "family": fam, "real_group": "", "language": "en",
                         "condition": "as_published", "is_telephone": False, "source": fam, "root": f"{fam}/{k}"})
    for k in range(30):
        group = "indextts_demo_prompts" if k % 3 == 0 else "librispeech"
        meta.append({"id": f"real/{k}", "label": "real", "family": "", "real_group": group, "language": "en",
                     "condition": "as_published", "is_telephone": False, "source": group, "root": f"real/{k}"})
    return meta


def test_fold_reference_comes_from_training_reals_and_held_out_scores_do_not_move_it():
    meta = _meta()
    fam = "indextts"
    train, ev_fake, ev_real = split(meta, fam)
    assert len(ev_fake) == 4 and len(ev_real) == 10
    rng = np.random.default_rng(0)
    sa, sb = rng.normal(size=len(meta)), rng.normal(size=len(meta))
    r1 = fusion.run_fold(meta, sa, sb, fam)
    sa2 = sa.copy()
    sa2[ev_fake + ev_real] += 50.0  # held-out items' scores must not enter the reference
    r2 = fusion.run_fold(meta, sa2, sb, fam)
    assert r1["train"]["ref_a"] == r2["train"]["ref_a"]
    reals = [i for i in train if meta[i]["label"] == "real"]
    assert r1["train"]["ref_a"][0] == pytest.approx(float(np.mean(sa[reals])))
    assert {it["id"] for it in r1["items"]} == {meta[i]["id"] for i in ev_fake + ev_real}
    for it, i in zip(r1["items"], ev_fake + ev_real):
        za = (sa[i] - r1["train"]["ref_a"][0]) / r1["train"]["ref_a"][1]
        zb = (sb[i] - r1["train"]["ref_b"][0]) / r1["train"]["ref_b"][1]
        assert it["logit_ft"] == pytest.approx(max(za, zb), abs=1e-4)


def test_out_of_fold_averages_a_real_held_out_twice():
    folds = {"a": {"items": [{"id": "r", "label": "real", "condition": "as_published", "logit_ft": 1.0},
                             {"id": "f", "label": "fake", "condition": "as_published", "logit_ft": 5.0}]},
             "b": {"items": [{"id": "r", "label": "real", "condition": "as_published", "logit_ft": 3.0}]}}
    oof = fusion.out_of_fold(folds)
    assert oof["r"]["oof"] == 2.0 and oof["f"]["oof"] == 5.0
