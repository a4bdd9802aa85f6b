"""Settings for scripts/benchmark_intake.py: the project's own, with a URLconf that adds the
bare floor endpoint. Kept out of wuqing_consumer/ so production never routes to it."""

from wuqing_consumer.settings import *  # noqa: F403

ROOT_URLCONF = "scripts.bench_urls"
