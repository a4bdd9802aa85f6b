"""Read by gunicorn when it starts in this folder (the image's /app, the benchmarks): the
errors it answers itself come in the API's JSON shape (wuqing_consumer/server.py)."""

from wuqing_consumer import server

server.install()
