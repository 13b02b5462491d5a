"""The supervised separability diagnostic of training/sbi (round 4): leave-one-group-out scoring."""
from __future__ import annotations

import numpy as np

from training.sbi.separability import _groups, clip_means, logo_scores
from verifier.evaluate.metrics import roc_auc


def test_a_signal_shared_across_groups_is_found_out_of_group():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 30)
    groups = np.tile(np.arange(15), 4)
    X = rng.standard_normal((60, 5)) + 1.5 * y[:, None]
    s = logo_scores(X, y, groups)
    assert np.isfinite(s).all() and roc_auc(y, s) > 0.9


def test_a_group_is_never_scored_by_a_model_that_saw_it():
    """Each group's label is carried only by a feature unique to that group: out of group it is noise."""
    rng = np.random.default_rng(1)
    n_groups = 20
    groups = np.repeat(np.arange(n_groups), 4)
    y = np.tile([0, 1, 0, 1], n_groups)
    X = np.zeros((len(y), n_groups))
    X[np.arange(len(y)), groups] = np.where(y == 1, 1.0, -1.0)  # group-private direction
    X += 0.01 * rng.standard_normal(X.shape)
    s = logo_scores(X, y, groups)
    assert abs(roc_auc(y, s) - 0.5) < 0.2  # in-sample this would be 1.0


def test_groups_and_clip_means(tmp_path):
    tsv = tmp_path / "folds.tsv"
    tsv.write_text("path\tlabel\tsource\tgroup\tfold\treason\nfake/a_swap.mp4\tfake\tfake/x\tscene1\t0\t-\n"
                   "real/a_orig.mp4\treal\treal/x\tscene1\t0\t-\n", encoding="utf-8")
    g = _groups(np.array(["video/fake/a_swap.mp4", "video/real/a_orig.mp4", "video/fake/other.mp4"]), str(tsv))
    assert list(g) == ["scene1", "scene1", "fake/other.mp4"]
    f = np.arange(12, dtype=float).reshape(6, 2)
    assert np.allclose(clip_means(f, np.array([0, 0, 1, 1, 1, 0]), 2), [[4, 5], [6, 7]])
