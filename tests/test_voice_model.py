"""AASIST network: our implementation against the published reference logits."""
from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from verifier.analysis.voice.aasist import (
    AASIST,
    AASIST_CONFIG,
    AASIST_L_CONFIG,
    WINDOW_SAMPLES,
    AasistConfig,
    load_aasist,
    max_pool_time3,
    n_parameters,
    sinc_bandpass_filters,
)

SHARED = Path(os.environ.get("VERIFIER_SHARED") or Path(__file__).resolve().parents[2] / "shared")
MODELS = SHARED / "models" / "aasist"
requires_models = pytest.mark.skipif(not (MODELS / "AASIST-L.pth").is_file(), reason="../shared/models/aasist absent")
LOGIT_TOL = 1e-4  # agreement with the upstream implementation's logits


def _reference(model_name: str) -> dict[str, np.ndarray]:
    with open(MODELS / "reference_logits.tsv", encoding="utf-8") as f:
        return {r["window"]: np.array([float(r["logit_spoof"]), float(r["logit_bonafide"])])
                for r in csv.DictReader(f, delimiter="\t") if r["model"] == model_name}


@requires_models
@pytest.mark.parametrize("name, config, windows", [
    ("AASIST-L", AASIST_L_CONFIG, None),
    ("AASIST", AASIST_CONFIG, ("synthetic_rng0", "fake_valle")),  # the larger model: two windows keep the test fast
])
def test_logits_match_reference(name, config, windows):
    model = load_aasist(MODELS / f"{name}.pth", config)
    ref = _reference(name)
    npz = np.load(MODELS / "reference_windows.npz", allow_pickle=False)
    names = windows or tuple(ref)
    x = torch.from_numpy(np.stack([npz[k] for k in names]))
    with torch.inference_mode():
        out = model(x).numpy()
    for k, o in zip(names, out):
        np.testing.assert_allclose(o, ref[k], atol=LOGIT_TOL, rtol=0, err_msg=f"{name} {k}")


@requires_models
def test_config_files_match_builtin_configs():
    assert AasistConfig.from_conf(MODELS / "AASIST-L.conf") == AASIST_L_CONFIG
    assert AasistConfig.from_conf(MODELS / "AASIST.conf") == AASIST_CONFIG


@requires_models
def test_strict_load_rejects_wrong_architecture():
    with pytest.raises(RuntimeError, match="size mismatch|Missing key|Unexpected key"):
        load_aasist(MODELS / "AASIST-L.pth", AASIST_CONFIG)


def test_parameter_counts():
    assert n_parameters(AASIST(AASIST_L_CONFIG)) == 85306
    assert n_parameters(AASIST(AASIST_CONFIG)) == 297866


def test_sinc_filters_are_symmetric_band_passes():
    h = sinc_bandpass_filters(70, 128)
    assert h.shape == (70, 129) and h.dtype == np.float32
    np.testing.assert_allclose(h, h[:, ::-1], atol=1e-7)
    # Band i passes its mel band: the response peaks between its edges, and the bands rise in frequency.
    peaks = np.abs(np.fft.rfft(h.astype(float), 4096, axis=1)).argmax(axis=1)
    assert (np.diff(peaks) >= 0).all() and peaks[-1] > peaks[0]


def test_fast_time_pool_equals_max_pool2d(rng):
    x = torch.from_numpy(rng.standard_normal((2, 3, 4, 31)).astype(np.float32))
    assert torch.equal(max_pool_time3(x), F.max_pool2d(x, (1, 3)))


def test_output_shape_and_eval_determinism(rng):
    torch.manual_seed(0)
    model = AASIST(AASIST_L_CONFIG).eval()
    x = torch.from_numpy((0.1 * rng.standard_normal((2, WINDOW_SAMPLES))).astype(np.float32))
    with torch.inference_mode():
        a, b = model(x), model(x)
        single = model(x[1:])
    assert a.shape == (2, 2)
    assert torch.equal(a, b)
    torch.testing.assert_close(single[0], a[1], atol=1e-4, rtol=0)  # batching does not change a window's logits
