"""The printable handout (verifier/outputs/handout.py, ``verifier handout``): renders in both languages
with the plan's "4 không, 2 phải" and the key advice."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from verifier.core.i18n import t
from verifier.outputs.advice import PLAN
from verifier.outputs.handout import render_handout

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_handout_has_the_key_advice(lang):
    page = render_handout(lang)
    assert page.startswith("<!DOCTYPE html>") and f'lang="{lang}"' in page
    assert "@page { size: A4" in page
    text = re.sub(r"<[^>]+>", " ", page).replace("&quot;", '"').replace("&#x27;", "'")
    for key in ("advice.plan.title", *(f"advice.plan.{k}" for k in PLAN), "advice.do.call_back_saved",
                "advice.do.no_other_name_account", "advice.do.no_otp", "advice.do.report_police", "handout.tool.text"):
        assert t(key, lang) in text, key
    assert "129/KH-UBND" in text
    assert not re.search(r"(src|href)=\"https?://", page)  # self-contained, works offline


def test_handout_languages_differ():
    vi, en = render_handout("vi"), render_handout("en")
    assert "Không sợ" in vi and "Không sợ" not in en
    assert "No fear" in en and "call the person back" in en


def test_cli_writes_the_handout(tmp_path):
    out = tmp_path / "to_roi.html"
    r = subprocess.run([sys.executable, "-m", "verifier", "handout", "--lang", "vi", "-o", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "4 không, 2 phải" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, words", [("vi", ("Không ghi được", "thư mục không tồn tại")),
                                         ("en", ("Could not write", "the folder does not exist"))])
def test_cli_says_in_the_users_language_which_file_it_could_not_write(tmp_path, lang, words):
    out = tmp_path / "missing_folder" / "to_roi.html"
    r = subprocess.run([sys.executable, "-m", "verifier", "handout", "--lang", lang, "-o", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and not out.exists()
    assert str(out) in r.stderr and all(w in r.stderr for w in words), r.stderr


def test_os_error_detail_is_translated_or_falls_back_to_the_system_text():
    import errno

    from verifier.core.i18n import os_error_detail

    assert os_error_detail(PermissionError(errno.EACCES, "Permission denied"), "vi") == "không có quyền ghi"
    assert os_error_detail(PermissionError(errno.EPERM, "Operation not permitted"), "en") == "no permission to write"
    assert os_error_detail(OSError(errno.EIO, "Input/output error"), "vi") == "Input/output error"
