"""The served Bootstrap (static/vendor/bootstrap/bootstrap.used.css) holds every Bootstrap class the
templates use: scripts/build_css keeps only those, so a class used for the first time needs a rebuild."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL = ROOT / "assets" / "bootstrap" / "bootstrap.min.css"
USED = ROOT / "static" / "vendor" / "bootstrap" / "bootstrap.used.css"
CLASS_IN_CSS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
CLASS_ATTR = re.compile(r'class="([^"]*)"')
TEMPLATE_TAG = re.compile(r"\{[{%].*?[}%]\}")


def css_classes(path):
    return set(CLASS_IN_CSS.findall(path.read_text(encoding="utf-8")))


def classes_in_templates():
    used = {}
    for path in (ROOT / "templates").rglob("*.html"):
        for value in CLASS_ATTR.findall(path.read_text(encoding="utf-8")):
            for name in TEMPLATE_TAG.sub(" ", value).split():
                used.setdefault(name, path.relative_to(ROOT))
    return used


def missing(used, full, served):
    return sorted(f"{name} ({where})" for name, where in used.items() if name in full and name not in served)


def test_every_bootstrap_class_in_a_template_is_served():
    problems = missing(classes_in_templates(), css_classes(FULL), css_classes(USED))
    assert not problems, "Run scripts/build_css; Bootstrap classes missing from bootstrap.used.css: " + ", ".join(
        problems
    )


def test_the_check_catches_a_class_left_out():
    full = css_classes(FULL)
    assert "accordion-button" in full
    assert missing({"accordion-button": "x.html"}, full, css_classes(USED) - {"accordion-button"}) == [
        "accordion-button (x.html)"
    ]


def test_the_served_css_is_a_fraction_of_bootstrap():
    assert USED.stat().st_size < FULL.stat().st_size / 2
