"""scripts/audit's decisions on pip-audit's JSON report (canned reports: no network), and that the
lock it audits is what the scripts install."""

import importlib.machinery
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_audit():
    loader = importlib.machinery.SourceFileLoader("scripts_audit", str(ROOT / "scripts" / "audit"))
    spec = importlib.util.spec_from_loader("scripts_audit", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


audit = _load_audit()

CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {
    "name": "django",
    "version": "5.2.1",
    "vulns": [
        {
            "id": "PYSEC-2025-1",
            "fix_versions": ["5.2.2", "5.1.10"],
            "aliases": ["CVE-2025-0001", "GHSA-aaaa-bbbb-cccc"],
            "description": "…",
        }
    ],
}
UNREACHABLE = {
    "name": "asgiref",
    "skip_reason": "Dependency not found on PyPI and could not be audited: asgiref (3.13.0)",
}


def report(*dependencies):
    return {"dependencies": list(dependencies), "fixes": []}


def test_nothing_known_passes():
    status, lines = audit.decide(report(CLEAN, {"name": "whitenoise", "version": "6.12.0", "vulns": []}))
    assert status == 0
    assert lines == ["No known vulnerabilities in the 2 audited packages of requirements.lock."]


@pytest.mark.parametrize("required", [False, True])
def test_a_known_vulnerability_fails_with_the_list(required):
    status, lines = audit.decide(report(VULNERABLE, CLEAN), required=required)
    assert status == 1
    assert lines[0] == "KNOWN VULNERABILITIES: 1 in 1 pinned package(s):"
    assert lines[1] == ("  django 5.2.1: PYSEC-2025-1 (CVE-2025-0001, GHSA-aaaa-bbbb-cccc); fixed in: 5.2.2, 5.1.10")


def test_a_vulnerability_without_a_fix_says_so():
    vulnerable = VULNERABLE | {"vulns": [{"id": "GHSA-x", "fix_versions": []}]}
    status, lines = audit.decide(report(vulnerable))
    assert status == 1 and lines[1] == "  django 5.2.1: GHSA-x; fixed in: no fixed version yet"


def test_unreachable_service_is_loud_and_passes_unless_required():
    skipped = [UNREACHABLE, UNREACHABLE | {"name": "django"}]
    status, lines = audit.decide(report(*skipped))
    assert status == 0
    assert lines[0].startswith("NOT AUDITED: the vulnerability service was unreachable from this machine")
    assert "none of the 2 packages" in lines[0]
    status, lines = audit.decide(report(*skipped), required=True)
    assert status == 1 and lines[-1] == "AUDIT_REQUIRED=1: an incomplete audit fails."


def test_no_report_at_all_is_not_audited():
    status, lines = audit.decide(None, problem="no answer within 120 s")
    assert status == 0 and lines[0].startswith(audit.NOT_AUDITED) and "no answer within 120 s" in lines[0]
    assert audit.decide(None, required=True)[0] == 1


def test_partly_skipped_lists_the_packages():
    status, lines = audit.decide(report(CLEAN, UNREACHABLE))
    assert status == 0
    assert "Not audited: 1 of 2 packages could not be checked:" in lines
    assert f"  asgiref: {UNREACHABLE['skip_reason']}" in lines
    assert lines[-1] == "No known vulnerabilities in the 1 audited packages of requirements.lock."
    assert audit.decide(report(CLEAN, UNREACHABLE), required=True)[0] == 1


def test_a_vulnerability_among_skipped_packages_still_fails():
    status, lines = audit.decide(report(VULNERABLE, UNREACHABLE))
    assert status == 1 and lines[0].startswith("KNOWN VULNERABILITIES") and "Not audited: 1 of 2" in lines[3]


def test_the_script_reads_pip_audit_json_and_exits_with_the_decision(tmp_path, monkeypatch):
    """main() end to end, with pip-audit replaced by a stand-in that prints a canned report."""
    fake = tmp_path / "python"
    fake.write_text(f"#!{sys.executable}\nprint({json.dumps(report(VULNERABLE))!r})\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PYTHON", str(fake))
    monkeypatch.delenv("AUDIT_REQUIRED", raising=False)
    assert audit.main([]) == 1
    # No report at all (pip-audit could not reach the service, say): not audited.
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stderr.write('ConnectionError: api.osv.dev\\n')\nsys.exit(1)\n"
    )
    assert audit.main([]) == 0
    monkeypatch.setenv("AUDIT_REQUIRED", "1")
    assert audit.main([]) == 1


def test_the_lock_pins_every_package_exactly():
    lines = [line for line in (ROOT / "requirements.lock").read_text().splitlines() if not line.startswith("#")]
    assert lines and all(re.fullmatch(r"[A-Za-z0-9._-]+==[^\s]+", line) for line in lines), lines
    names = {line.split("==")[0].lower().replace("_", "-") for line in lines}
    assert {"django", "django-csp", "django-allauth", "hypothesis", "pip-audit"} <= names


def test_what_is_installed_is_what_is_audited():
    """scripts/test, scripts/run and CI install with the lock as constraints; CI audits after ruff."""
    for script in ("scripts/test", "scripts/run", ".ci/run"):
        text = (ROOT / script).read_text()
        installs = [line for line in text.splitlines() if "pip install" in line]
        assert installs and all("-c requirements.lock" in line for line in installs), script
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.index("ruff check") < ci.index("scripts/audit") < ci.index("scripts/test")


def test_pip_audit_reports_in_the_shape_decide_reads():
    """pip-audit's own JSON formatter (the installed version, no network) writes what decide() reads."""
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "pip-audit" in result.stdout
    from packaging.version import Version
    from pip_audit._format.json import JsonFormat
    from pip_audit._service.interface import ResolvedDependency, SkippedDependency, VulnerabilityResult

    resolved = ResolvedDependency(name="django", version=Version("5.2.1"))
    vuln = VulnerabilityResult(
        id="PYSEC-2025-1",
        description="…",
        fix_versions=[Version("5.2.2")],
        aliases={"CVE-2025-0001"},
        published=None,
    )
    skipped = SkippedDependency(name="asgiref", skip_reason=UNREACHABLE["skip_reason"])
    text = JsonFormat(output_desc=True, output_aliases=True).format({resolved: [vuln], skipped: []}, [])
    status, lines = audit.decide(json.loads(text))
    assert status == 1 and lines[1] == "  django 5.2.1: PYSEC-2025-1 (CVE-2025-0001); fixed in: 5.2.2"
