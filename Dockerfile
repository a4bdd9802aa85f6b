# Production image: gunicorn for the portal, Celery worker and beat from the same image.
# docker/entrypoint.sh picks the role: web (default), worker, beat, or any other command.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=wuqing_consumer.settings

# What WeasyPrint (PDF export) needs at run time: Pango, HarfBuzz's subsetter and a Chinese
# font. fontconfig brings fc-cache, so the font cache is built now and not on the first PDF.
# `manage.py backup` and `restore` run pg_dump, pg_restore and psql: bookworm's client is
# PostgreSQL 15, the db service's version (pg_dump refuses a newer server; move both together).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fontconfig \
        fonts-noto-cjk \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Static files are collected into the image (WhiteNoise serves them). The settings below exist
# only for this step; the real SECRET_KEY and the rest come from the environment at run time.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=localhost CELERY_DATA_DIR=/tmp/celery-build \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/celery-build

# The code stays owned by root (read-only for the app); only uploads and backups are writable.
# A named volume mounted on /data/media or /backups takes the directory's owner the first time
# it is used.
RUN chmod 0755 /app/docker/entrypoint.sh \
    && mkdir -p /data/media /backups \
    && chown app:app /data/media /backups

USER app

EXPOSE 8000

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
