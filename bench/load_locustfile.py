"""The locust users of bench/load.py (started by it as ``python -m locust -f bench/load_locustfile.py``;
not meant to be run on its own). The plan (users, sessions, pages) is the JSON file named by
``BENCH_LOAD_PLAN``; every request's latency goes to the JSON file named by ``BENCH_LOAD_OUT``.

Each simulated person works through the core loop, with a think time between steps: dashboard,
overview, a checklist section (the stepper), an autosave of their own answer (HTMX POST with the
version, the new version read back), the poll for others' changes, the agreement page, a save of
their own agreement section (the same), the guide library."""

import itertools
import json
import os
import random
import re
import time
from datetime import UTC, datetime

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115 (read once at import)
THINK = tuple(PLAN["think"])
SLOTS = itertools.count()
SAMPLES = []  # (name, milliseconds, error or None)
TEXT = (
    "Vi träffas en gång i månaden, växelvis hos kommunen och hos föreningen. Föreningen ansvarar för "
    "verksamheten på kvällstid och kommunen för lokalen och för uppföljningen."
)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    SAMPLES.append((name, response_time, None if exception is None else str(exception)[:200]))


@events.quitting.add_listener
def _write(environment, **kwargs):
    with open(os.environ["BENCH_LOAD_OUT"], "w") as out:
        json.dump(SAMPLES, out)


def _status(response):
    """HTTP 500, or what went wrong when there was no response (status 0: refused, reset, timeout)."""
    if response.status_code:
        return f"HTTP {response.status_code}"
    return f"no response: {type(response.error).__name__}: {str(response.error)[:120]}"


class Person(HttpUser):
    wait_time = between(*THINK)
    network_timeout = connection_timeout = 30.0

    def on_start(self):
        self.slot = PLAN["slots"][next(SLOTS) % len(PLAN["slots"])]
        self.origin = self.host.rstrip("/")
        self.answer_version = 0
        self.section_version = 0
        self.answer_re = re.compile(r'name="{}-version" value="(\d+)"'.format(re.escape(self.slot["answer_key"])))
        self.section_re = re.compile(r'name="{}-version" value="(\d+)"'.format(re.escape(self.slot["section_key"])))
        gevent.sleep(random.uniform(0, PLAN["ramp"]))  # people do not all arrive in the same second  # noqa: S311
        if self.slot["login"]:
            self.log_in()
        else:
            self.client.cookies.set(PLAN["session_cookie"], self.slot["session"])

    def log_in(self):
        """A real login through allauth (and django-axes): the form, then the POST; ``typo``
        people first post a wrong password once."""
        self.client.get(PLAN["login"], name="login form")
        attempts = ["fel-lösenord-123", PLAN["password"]] if self.slot["typo"] else [PLAN["password"]]
        for password in attempts:
            wrong = password != PLAN["password"]
            with self.client.post(
                PLAN["login"],
                data={"login": self.slot["email"], "password": password},
                headers=self.csrf_headers(),
                allow_redirects=False,
                name="login (wrong password)" if wrong else "login",
                catch_response=True,
            ) as response:
                if wrong:
                    if response.status_code == 200:
                        response.success()  # the form again, with its error
                    else:
                        response.failure(f"wrong password answered {response.status_code}")
                elif response.status_code == 302 and "/konto/" not in response.headers.get("Location", ""):
                    response.success()
                else:
                    response.failure(f"login answered {response.status_code} {response.headers.get('Location', '')}")

    def csrf_headers(self, htmx=False):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Origin": self.origin}
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    def page(self, path, name, pattern=None):
        """GET a page; returns the version ``pattern`` finds in it (or None)."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(_status(response))
                return None
            if pattern is None:
                return None
            found = pattern.search(response.text)
            if not found:
                response.failure("no editable field with a version in the page")
                return None
            return int(found.group(1))

    def save(self, path, name, key, version, pattern):
        """The HTMX autosave: the text with the version it is based on; the new version is read
        back. Anything but a new version one higher is an error (these people never conflict)."""
        data = {f"{key}-text": f"{TEXT} ({time.time():.6f})", f"{key}-version": version}
        if key.endswith("-j"):
            data[f"{key}-status"] = "discussed"
        with self.client.post(
            path, data=data, headers=self.csrf_headers(htmx=True), name=name, catch_response=True
        ) as r:
            found = pattern.search(r.text) if r.status_code == 200 else None
            if r.status_code != 200:
                r.failure(_status(r))
            elif not found:
                r.failure("no version in the response")
            elif int(found.group(1)) != version + 1:
                r.failure(f"not saved: version {found.group(1)} after {version}")
            else:
                return int(found.group(1))
        return version

    @task
    def core_loop(self):
        slot = self.slot
        self.page(PLAN["dashboard"], "dashboard")
        self.wait()
        self.page(slot["overview"], "overview")
        self.wait()
        since = datetime.now(UTC).isoformat()
        version = self.page(slot["stepper"], "stepper", self.answer_re)
        self.wait()
        if version is not None:
            self.answer_version = self.save(
                slot["answer_save"], "autosave", slot["answer_key"], version, self.answer_re
            )
        self.wait()
        with self.client.get(
            slot["poll"], params={"since": since}, headers={"HX-Request": "true"}, name="poll", catch_response=True
        ) as response:
            if response.status_code not in (200, 204):
                response.failure(_status(response))
        self.wait()
        version = self.page(slot["agreement"], "agreement", self.section_re)
        self.wait()
        if version is not None:
            self.save(slot["section_save"], "agreement save", slot["section_key"], version, self.section_re)
        self.wait()
        self.page(PLAN["library"], "guide library")
