"""Development scripts. A package so gunicorn can import the benchmark's settings and URLs
(`scripts.bench_settings`, `scripts.bench_urls`); nothing here is part of the portal."""
