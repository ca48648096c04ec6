"""The decided agreement as a record (projects/records): the archival PDF and the seal against the
current PDF, for the typical agreement (15 sections of 1,500 characters, as in pdf_render.py) and the
large one (100 sections of 5,000 characters), and the check of an uploaded file.

    .venv/bin/python bench/records.py [--repeat 3]

No database, no network: the content dicts are pdf_render.py's; the seal is a self-signed test seal made
in a temporary folder (an ECDSA P-256 key, like the one make_test_seal writes; an RSA 3072 key of a real
e-sigill signs a little slower, by milliseconds). In each repetition the three steps take turns:

``current``   ``projects.common.pdf.render_pdf(..., "pdf/ua-1")``: the PDF the app made before (drafts still);
``archival``  the same as ``pdf/a-2a`` plus ``records.archival.add_record_metadata`` (XMP, pikepdf rewrite);
``sealed``    ``archival`` then ``records.seal.seal`` (pyHanko PAdES, no timestamp).

It prints medians (wall time) and the ratios archival / current and sealed / current, each the median of
the per-repetition ratios (the three are rendered back to back). Then the check of the sealed file as the
page does it: the form's checks (PDF header, pikepdf open, not encrypted), the SHA-256, and pyHanko's
validation against the trusted certificate (the database lookup by hash is an indexed query, left out).
"""

import argparse
import hashlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pdf_render  # noqa: E402


def _median(values):
    return statistics.median(values)


def measure(kind, sections, chars, repeat, certificate):
    from projects.common import pdf
    from projects.records import archival, seal

    content = pdf_render.make_content(sections, chars)
    version = pdf_render.make_version(content)
    decisions = pdf_render.make_decisions(content)

    def current():
        return pdf.render_pdf(content, "pdf/ua-1", version=version, decisions=decisions, draft=False)

    def archival_pdf():
        data = pdf.render_pdf(content, "pdf/a-2a", version=version, decisions=decisions, draft=False)
        return archival.add_record_metadata(
            data, content_hash=version.content_hash, version_number=2, collaboration="Bench", decided_on=None
        )

    def sealed():
        return seal.seal(archival_pdf(), certificate)[0]

    steps = {"current": current, "archival": archival_pdf, "sealed": sealed}
    current()  # warm-up: fonts and caches
    times = {name: [] for name in steps}
    ratios = {"archival": [], "sealed": []}
    outputs = {}
    for i in range(repeat):
        order = list(steps) if i % 2 == 0 else list(reversed(steps))
        round_ = {}
        for name in order:
            start = time.perf_counter()
            outputs[name] = steps[name]()
            round_[name] = time.perf_counter() - start
            times[name].append(round_[name])
        for name in ratios:
            ratios[name].append(round_[name] / round_["current"])
    print(f"\n{kind} agreement ({sections} sections of {chars} characters), {repeat} repetitions:")
    for name in steps:
        print(f"  {name:9} {_median(times[name]):7.2f} s   {len(outputs[name]) / 1024:8.0f} KiB")
    for name, values in ratios.items():
        print(f"  {name} / current: {_median(values):.2f}x")
    return outputs["sealed"]


def measure_check(data, certificate, repeat=20):
    from projects.records import seal
    from projects.records.forms import CheckForm

    class Upload(io.BytesIO):
        size = len(data)

    def check():
        form = CheckForm()
        form.cleaned_data = {"file": Upload(data)}
        body = form.clean_file()
        hashlib.sha256(body).hexdigest()
        return seal.check(body, certificate.sha256)

    check()
    times = []
    for _i in range(repeat):
        start = time.perf_counter()
        result = check()
        times.append(time.perf_counter() - start)
    assert result.intact and result.ours, result
    print(f"  check of the uploaded file ({len(data) / 1024:.0f} KiB): median {_median(times) * 1000:.0f} ms")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args(argv)
    pdf_render.setup_django()
    from projects.records import seal, testseal

    with tempfile.TemporaryDirectory() as folder:
        certificate = seal.load_certificate(testseal.make(Path(folder) / "bench.p12", "bench"), "bench")
        typical = measure("Typical", *pdf_render.TYPICAL, args.repeat, certificate)
        measure_check(typical, certificate)
        if not args.skip_large:
            large = measure("Large", *pdf_render.LARGE, max(1, args.repeat - 1), certificate)
            measure_check(large, certificate, repeat=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
