"""Settings for the benchmarks in bench/: the app's own settings (database from ``DATABASE_URL``),
with the benchmark URLs added and DEBUG off, served on 127.0.0.1 only."""

from samverkan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
