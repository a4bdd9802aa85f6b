#!/bin/sh
# Container entry point. The first argument picks the role:
#   web     apply migrations, then serve the portal with gunicorn on port 8000
#   worker  Celery worker
#   beat    Celery beat, schedules read from the database (django-celery-beat)
# Anything else is run as given, e.g. `docker compose run --rm web python manage.py shell`.
# Extra arguments after a role are passed on to that role's program.
set -e

case "$1" in
  web)
    shift
    python manage.py migrate --noinput
    # The access log names paths, never query strings or referrers: a search carries a
    # citizen's phone number, and the log is kept and read outside the portal's access rules.
    exec gunicorn wuqing_consumer.wsgi:application \
      --bind 0.0.0.0:8000 --workers 3 --access-logfile - \
      --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s' "$@"
    ;;
  worker)
    shift
    exec celery -A wuqing_consumer worker -Q celery,slow --loglevel=INFO "$@"
    ;;
  beat)
    shift
    exec celery -A wuqing_consumer beat --loglevel=INFO \
      --scheduler django_celery_beat.schedulers:DatabaseScheduler "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
