"""Page weight and largest contentful paint of the main pages on a phone, in Chromium.

A board member on a phone in the evening: a 390 px viewport, slow 4G (150 ms latency, 1.6 Mbit/s
down, 750 kbit/s up) and the CPU slowed down four times, each page opened with an empty cache
(a cold visit) while logged in. Two servers, as in the README and in production:

- production: gunicorn with ``DEBUG`` off and WhiteNoise serving the collected, compressed,
  hashed static files (``collectstatic`` with the production storage);
- development: ``manage.py runserver``, as ``scripts/run`` starts it.

With ``--before REF`` the same is measured on a checkout of ``REF`` (a git worktree beside this one,
same Python), in the same run, so that the figures compare. Each tree gets its own SQLite database
with the guides and the demo data (``load_demo``), and the demo coordinator logs in.

Prints, per server and page, the bytes transferred (compressed, headers included), the number of
requests, the HTML's own transferred size and whether it was compressed, and the largest contentful
paint (median of ``--runs``). Goals (issue 16): a cold main page <= 40 kB and LCP <= 1.2 s in
production, LCP <= 2 s with the development server, every page's HTML compressed.

    .venv/bin/python bench/page_weight.py [--before a75406b] [--runs 3] [--check]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import HOST, Abort, Guard, die_with_parent, free_port, machine_line, stop_process  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "samverkan-demo"  # noqa: S105 (the demo data's published password)
USER = "bo@gemenskap.se"  # the association's board member (an editor)
PAGES = {
    "Mina samverkan": "/",
    "Översikt": "/samverkan/{pk}/",
    "Checklistor": "/samverkan/{pk}/checklistor/",
    "Överenskommelse": "/samverkan/{pk}/overenskommelse/",
}
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
GOALS = {"production": {"kb": 40, "lcp": 1.2}, "development": {"kb": None, "lcp": 2.0}}
LCP_SCRIPT = """
window.__lcp = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__lcp = entry.startTime;
}).observe({type: "largest-contentful-paint", buffered: true});
"""


def run(command, cwd, env, log):
    result = subprocess.run(command, cwd=cwd, env=env, stdout=log, stderr=log)
    if result.returncode:
        raise Abort(f"{' '.join(map(str, command))} exited with {result.returncode} (see {log.name})")


class Tree:
    """One checkout of the app with its own database, static files and servers."""

    def __init__(self, root, label, workdir, log):
        self.root, self.label, self.log = Path(root), label, log
        self.dir = Path(tempfile.mkdtemp(prefix="page-weight-", dir=workdir))
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.dir / 'db.sqlite3'}",
            "SAMVERKAN_ENV": "development",
            "STATIC_ROOT": str(self.dir / "static"),
            "PYTHONPATH": str(self.root),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    def prepare(self):
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput"], ["compile_translations"], ["load_guides"], ["load_demo"]):
            run(manage + command, self.root, self.env, self.log)
        settings = self.dir / "page_weight_settings.py"
        settings.write_text(
            "from samverkan.settings import *  # noqa\n"
            "DEBUG = False\nALLOWED_HOSTS = ['127.0.0.1']\n"
            "STORAGES = {**STORAGES, 'staticfiles': {'BACKEND': "
            "'whitenoise.storage.CompressedManifestStaticFilesStorage'}}\n"
        )
        self.prod_env = {
            **self.env,
            "PYTHONPATH": f"{self.dir}:{self.root}",
            "DJANGO_SETTINGS_MODULE": "page_weight_settings",
        }
        run(manage + ["collectstatic", "--noinput", "-v0"], self.root, self.prod_env, self.log)

    def serve(self, kind):
        port = free_port()
        if kind == "production":
            command = [sys.executable, "-m", "gunicorn", "samverkan.wsgi:application", "--bind", f"{HOST}:{port}",
                       "--workers", "2", "--chdir", str(self.root), "--log-level", "warning"]  # fmt: skip
            env = self.prod_env
        else:
            command = [sys.executable, "manage.py", "runserver", "--noreload", f"{HOST}:{port}"]
            env = self.env
        process = subprocess.Popen(command, cwd=self.root, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                   stderr=self.log, start_new_session=True, preexec_fn=die_with_parent)  # fmt: skip
        wait_for(port, process)
        return process, f"http://{HOST}:{port}"


def wait_for(port, process):
    import http.client

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise Abort(f"the server exited with {process.returncode}")
        conn = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            conn.request("GET", "/halsa/")
            conn.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            conn.close()
    raise Abort("the server did not answer within 60 s")


def logged_in_state(browser, base):
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(base + "/konto/login/")
    page.fill("input[name=login]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    if "/konto/login/" in page.url:
        raise Abort("the demo user could not log in")
    page.goto(base + "/")
    hrefs = page.locator("main a[href^='/samverkan/']").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    pk = next((href.split("/")[2] for href in hrefs if href.split("/")[2].isdigit()), None)
    if pk is None:
        raise Abort("the demo user's dashboard links to no collaboration")
    # Warm the server up (both gunicorn workers: templates compiled, imports done), as in use.
    for path in PAGES.values():
        for _ in range(4):
            response = page.goto(base + path.format(pk=pk))
            if response.status != 200:
                raise Abort(f"{path.format(pk=pk)} answered {response.status}")
    state = context.storage_state()
    context.close()
    return state, pk


def measure(browser, state, url):
    """One cold visit: bytes transferred, requests, the HTML's size and encoding, LCP in seconds."""
    context = browser.new_context(storage_state=state, viewport={"width": 390, "height": 844}, locale="sv-SE",
                                  device_scale_factor=3, is_mobile=True, has_touch=True)  # fmt: skip
    context.add_init_script(LCP_SCRIPT)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    sizes, documents = {}, {}

    def finished(event):
        sizes[event["requestId"]] = event["encodedDataLength"]

    def response(event):
        if event["type"] == "Document":
            headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
            documents[event["requestId"]] = headers.get("content-encoding", "none")

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.responseReceived", response)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(800)  # LCP settles after load; the late scripts' requests finish
    lcp = page.evaluate("window.__lcp") / 1000
    html = next(iter(documents), None)
    result = {
        "bytes": sum(sizes.values()),
        "requests": len(sizes),
        "html": sizes.get(html, 0),
        "encoding": documents.get(html, "?"),
        "lcp": lcp,
    }
    context.close()
    return result


def measure_server(browser, tree, kind, runs):
    """Print one row per page for ``tree`` served the ``kind`` way; True when a goal of "now" is missed."""
    process, base = tree.serve(kind)
    failed = False
    try:
        state, pk = logged_in_state(browser, base)
        for name, path in PAGES.items():
            results = [measure(browser, state, base + path.format(pk=pk)) for _ in range(runs)]
            kb = statistics.median(r["bytes"] for r in results) / 1000
            lcp = statistics.median(r["lcp"] for r in results)
            html_kb = statistics.median(r["html"] for r in results) / 1000
            encoding = results[0]["encoding"]
            goal = GOALS[kind]
            met = (goal["kb"] is None or kb <= goal["kb"]) and lcp <= goal["lcp"] and encoding != "none"
            failed = failed or (tree.label == "now" and not met)
            print(f"{tree.label:<22} {kind:<12} {name:<16} {kb:6.1f} {results[0]['requests']:4d} "
                  f"{html_kb:8.1f} {encoding:>9} {lcp:6.2f}{'' if met else '  (goal not met)'}")  # fmt: skip
    finally:
        stop_process(process)
    return failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git ref to measure too, in the same run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit with 2 when a goal is not met")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    workdir = Path(tempfile.mkdtemp(prefix="samverkan-page-weight-"))
    log = open(workdir / "servers.log", "w")  # noqa: SIM115
    trees = []
    worktree = None
    failed = False
    with Guard(limit_seconds=1800):
        load_before = os.getloadavg()
        try:
            if args.before:
                worktree = workdir / "before"
                subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.before], cwd=ROOT,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
                trees.append(Tree(worktree, f"before ({args.before})", workdir, log))
            trees.append(Tree(ROOT, "now", workdir, log))
            for tree in trees:
                tree.prepare()
            print(f"Cold visits on a phone: 390 px, slow 4G (150 ms, 1.6 Mbit/s), CPU slowed {CPU_SLOWDOWN}x; "
                  f"user {USER}; median of {args.runs} runs.")  # fmt: skip
            print(f"{'tree':<22} {'server':<12} {'page':<16} {'kB':>6} {'req':>4} {'HTML kB':>8} {'HTML enc.':>9} "
                  f"{'LCP s':>6}")  # fmt: skip
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                for tree in trees:
                    for kind in ("production", "development"):
                        failed = measure_server(browser, tree, kind, args.runs) or failed
                browser.close()
            print(machine_line(load_before[0]))
            print(f"Goals: production <= {GOALS['production']['kb']} kB and LCP <= {GOALS['production']['lcp']} s; "
                  f"development LCP <= {GOALS['development']['lcp']} s; HTML compressed.")  # fmt: skip
        finally:
            log.close()
            if worktree:
                subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
            shutil.rmtree(workdir, ignore_errors=True)
    if failed and args.check:
        sys.exit(2)


if __name__ == "__main__":
    main()
