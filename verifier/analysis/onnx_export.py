"""Export a torch network to ONNX at set-up and check it against torch (shared by the derived
models of the registry: ``aasist-l-onnx``, ``resemblyzer-ge2e-onnx``).

Set-up only: imports torch and the ``onnx`` package (``torch.onnx.export`` needs it). The exported
bytes depend on the torch version, so the registry records the file's sha256 beside it
(:func:`verifier.analysis.registry.derived_record`) rather than in the entry.
"""
from __future__ import annotations

import datetime as _dt

import numpy as np


def export_checked(model, example: np.ndarray, probe: np.ndarray, dest, *, input_name: str, output_name: str,
                   batch_axis: str, max_abs_diff: float, what: str, opset: int = 17) -> dict:
    """Export ``model`` (eval mode) traced on ``example`` to ``dest`` with a dynamic first axis,
    check the file with ``onnx.checker``, and compare ONNX Runtime's output with torch's on ``probe``.

    Parameters
    ----------
    model : torch.nn.Module
    example, probe : np.ndarray, float32
        Inputs for the trace and for the parity check (first axis: the batch).
    dest : str or Path
        The ONNX file to write.
    max_abs_diff : float
        Largest accepted |ONNX − torch| over every output value (units of the output).
    what : str
        Name of the compared output in the returned record (``parity_max_abs_<what>_diff``).

    Returns
    -------
    dict
        Provenance for the registry's sidecar: exporter, opset, versions, probe count, the measured
        difference and the UTC time.

    Raises
    ------
    RuntimeError
        The export differs from torch by more than ``max_abs_diff``.
    """
    import warnings

    import onnx
    import torch

    from .threads import import_onnxruntime

    ort = import_onnxruntime()
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated in torch 2.9+ (still the one that reproduces these
        # networks exactly); trace-time notes (constant node counts, LSTM layout) are expected.
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.from_numpy(example),), str(dest), opset_version=opset, dynamo=False,
                          input_names=[input_name], output_names=[output_name],
                          dynamic_axes={input_name: {0: batch_axis}, output_name: {0: batch_axis}})
    onnx.checker.check_model(str(dest))
    with torch.inference_mode():
        ref = model(torch.from_numpy(probe)).numpy()
    sess = ort.InferenceSession(str(dest), providers=["CPUExecutionProvider"])
    got = np.concatenate([sess.run(None, {input_name: probe[i:i + 1]})[0] for i in range(len(probe))])
    diff = float(np.abs(got - ref).max())
    if not diff <= max_abs_diff:
        raise RuntimeError(f"ONNX export differs from torch by {diff:.3g} (> {max_abs_diff})")
    return {"exporter": f"torch.onnx.export (TorchScript, dynamo=False), dynamic {batch_axis}", "opset": opset,
            "torch": torch.__version__, "onnx": onnx.__version__, "onnxruntime": ort.__version__,
            "parity_windows": len(probe), f"parity_max_abs_{what}_diff": diff,
            "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")}
