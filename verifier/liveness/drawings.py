"""Simple drawings of each challenge step, as SVG made in code (no image files, no text inside).

Each function returns a self-contained ``<svg>`` element (viewBox 160 × 160) that the app and the
printable page inline as they are: a head turned to one side with the ear showing, an open hand
passing in front of the face, a finger on the nose, and a person stepping closer to the camera.
The captions (vi, en) come from ``verifier/core/locales/challenge_ui.py``.
"""
from __future__ import annotations

SKIN, HAND, LINE, HAIR, ARROW, SHIRT = "#f5cba7", "#eeb07a", "#34495e", "#5d4037", "#c0392b", "#5d8aa8"
_STROKE = f'stroke="{LINE}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"'


def _svg(body: str, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 160" width="160" height="160" role="img" '
            f'aria-label="{label}" class="challenge-drawing">{body}</svg>')


def _arrow_head(x: float, y: float, dx: float, dy: float) -> str:
    """A filled arrow head at (x, y) pointing along (dx, dy) (a unit vector)."""
    px, py = -dy, dx
    pts = [(x + 9 * dx, y + 9 * dy), (x + 6 * px, y + 6 * py), (x - 6 * px, y - 6 * py)]
    return f'<polygon points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in pts)}" fill="{ARROW}"/>'


def _shoulders(cx: float = 80, top: float = 128, half: float = 46) -> str:
    return (f'<path d="M{cx - half},160 Q{cx - half},{top} {cx},{top} Q{cx + half},{top} {cx + half},160 Z" '
            f'fill="{SHIRT}" {_STROKE}/>'
            f'<rect x="{cx - 10}" y="{top - 16}" width="20" height="18" fill="{SKIN}" {_STROKE}/>')


def _front_face(cx: float = 80, cy: float = 72) -> str:
    """A frontal head: both ears, eyes, nose, mouth."""
    return (f'<ellipse cx="{cx - 36}" cy="{cy + 4}" rx="7" ry="11" fill="{SKIN}" {_STROKE}/>'
            f'<ellipse cx="{cx + 36}" cy="{cy + 4}" rx="7" ry="11" fill="{SKIN}" {_STROKE}/>'
            f'<ellipse cx="{cx}" cy="{cy}" rx="34" ry="42" fill="{SKIN}" {_STROKE}/>'
            f'<path d="M{cx - 34},{cy - 8} Q{cx - 36},{cy - 46} {cx},{cy - 44} Q{cx + 36},{cy - 46} {cx + 34},{cy - 8} '
            f'Q{cx + 20},{cy - 30} {cx},{cy - 28} Q{cx - 22},{cy - 30} {cx - 34},{cy - 8} Z" fill="{HAIR}"/>'
            f'<circle cx="{cx - 13}" cy="{cy - 4}" r="3.5" fill="{LINE}"/><circle cx="{cx + 13}" cy="{cy - 4}" r="3.5" fill="{LINE}"/>'
            f'<path d="M{cx},{cy} L{cx - 5},{cy + 14} L{cx + 3},{cy + 15}" fill="none" {_STROKE}/>'
            f'<path d="M{cx - 12},{cy + 25} Q{cx},{cy + 31} {cx + 12},{cy + 25}" fill="none" {_STROKE}/>')


def head_turn(side: str = "left") -> str:
    """A head in profile, the ear showing, with a curved arrow, as the user sees the caller on
    screen: ``side`` is the caller's own side, so "left" (the caller's left) faces the viewer's
    right, and "right" faces the viewer's left."""
    if side not in ("left", "right"):
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    cx, cy = 80, 72
    body = (_shoulders()
            # the head seen from the side: the back of the head on the right, the face on the left
            + f'<ellipse cx="{cx + 4}" cy="{cy}" rx="36" ry="42" fill="{SKIN}" {_STROKE}/>'
            + f'<path d="M{cx - 20},{cy - 34} Q{cx + 6},{cy - 54} {cx + 36},{cy - 22} Q{cx + 44},{cy + 8} {cx + 30},{cy + 30} '
              f'Q{cx + 26},{cy} {cx + 14},{cy - 14} Q{cx - 4},{cy - 28} {cx - 20},{cy - 34} Z" fill="{HAIR}"/>'
            # nose sticking out on the face side, eye, mouth
            + f'<path d="M{cx - 30},{cy - 10} L{cx - 44},{cy + 8} L{cx - 31},{cy + 11}" fill="{SKIN}" {_STROKE}/>'
            + f'<circle cx="{cx - 20}" cy="{cy - 6}" r="3.5" fill="{LINE}"/>'
            + f'<path d="M{cx - 32},{cy + 26} L{cx - 20},{cy + 26}" {_STROKE}/>'
            # the ear, in the middle of the side of the head (what the caller must show)
            + f'<ellipse cx="{cx + 12}" cy="{cy + 4}" rx="8" ry="12" fill="{HAND}" {_STROKE}/>'
            + f'<path d="M{cx + 10},{cy - 2} Q{cx + 16},{cy + 4} {cx + 10},{cy + 10}" fill="none" {_STROKE}/>'
            # the arrow: from the front towards the side
            + f'<path d="M{cx + 36},{cy - 52} Q{cx},{cy - 70} {cx - 36},{cy - 50}" fill="none" stroke="{ARROW}" stroke-width="4"/>'
            + _arrow_head(cx - 38, cy - 49, -0.89, 0.45))
    if side == "left":  # drawn facing the viewer's left (the caller's right): mirror it
        body = f'<g transform="translate(160,0) scale(-1,1)">{body}</g>'
    return _svg(body, f"head turned {side}, ear showing")


def hand_pass() -> str:
    """A frontal face with an open hand half over it and an arrow across the face."""
    cx, cy = 80, 72
    hx, hy = 92, 70  # the palm's centre
    fingers = "".join(f'<rect x="{hx - 21 + 11 * i}" y="{hy - 44 + (4 if i in (0, 3) else 0)}" width="10" height="32" '
                      f'rx="5" fill="{HAND}" {_STROKE}/>' for i in range(4))
    hand = (fingers
            + f'<rect x="{hx - 22}" y="{hy - 18}" width="44" height="40" rx="12" fill="{HAND}" {_STROKE}/>'
            + f'<rect x="{hx - 42}" y="{hy - 2}" width="24" height="11" rx="5.5" transform="rotate(35 {hx - 20} {hy + 4})" '
              f'fill="{HAND}" {_STROKE}/>'
            + f'<rect x="{hx - 12}" y="{hy + 20}" width="24" height="22" fill="{HAND}" {_STROKE}/>')
    arrow = (f'<path d="M22,138 L132,138" stroke="{ARROW}" stroke-width="4" fill="none"/>' + _arrow_head(134, 138, 1, 0))
    return _svg(_shoulders() + _front_face(cx, cy) + hand + arrow, "open hand passing in front of the face")


def nose_touch() -> str:
    """A frontal face with one finger on the nose (the fist below the chin)."""
    cx, cy = 80, 72
    finger = (f'<rect x="{cx - 4}" y="{cy + 12}" width="10" height="40" rx="5" transform="rotate(-8 {cx} {cy + 12})" '
              f'fill="{HAND}" {_STROKE}/>'
              f'<rect x="{cx - 12}" y="{cy + 44}" width="30" height="28" rx="9" fill="{HAND}" {_STROKE}/>'
              f'<circle cx="{cx + 1}" cy="{cy + 12}" r="12" fill="none" stroke="{ARROW}" stroke-width="3" stroke-dasharray="4 3"/>')
    return _svg(_shoulders() + _front_face(cx, cy) + finger, "finger touching the nose")


def step_closer() -> str:
    """A small figure far away and the same figure bigger, closer, with an arrow between."""
    far = f'<g transform="translate(4,88) scale(0.4)">{_shoulders()}{_front_face()}</g>'
    near = f'<g transform="translate(46,32) scale(0.8)">{_shoulders()}{_front_face()}</g>'
    arrow = (f'<path d="M26,84 Q30,56 62,50" stroke="{ARROW}" stroke-width="4" fill="none"/>'
             + _arrow_head(64, 50, 0.99, -0.12))
    return _svg(far + near + arrow, "standing up and moving closer to the camera")


#: The drawing of each step (keys as in :data:`verifier.outputs.challenge_sheet.STEPS`).
DRAWINGS = {"turn_left": lambda: head_turn("left"), "turn_right": lambda: head_turn("right"),
            "hand": hand_pass, "nose_touch": nose_touch, "stand_closer": step_closer}
