#!/bin/sh
# Container entry point. The first argument picks the role:
#   web     apply migrations, then serve the portal with gunicorn on port 8000
#   worker  Celery worker
#   beat    Celery beat, schedules read from the database (django-celery-beat)
# Anything else is run as given, e.g. `docker compose run --rm web python manage.py shell`.
# Extra arguments after a role are passed on to that role's program.
# How many processes serve: WEB_CONCURRENCY gunicorn workers (unset: 3), CELERY_CONCURRENCY
# Celery worker processes (unset: one a CPU, Celery's own default), each at most 64.
set -e

# More processes than this is a typo (400 for 4), not a plan: each holds a database
# connection, and PostgreSQL's default allows 100 in all.
most_processes=64

# The count in variable $1, whose value is $2: a whole number from 1 to $most_processes
# (spaces around it and leading zeros dropped), or nothing when unset or empty (as the
# settings read an empty variable). Anything else is refused with one line naming it, before
# any work starts; $3 says what unset means.
count() {
  value=$(printf '%s' "$2" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')
  case "$value" in
    '') return 0 ;;
    *[!0-9]*) ;;
    *[1-9]*)
      number=$(printf '%s\n' "$value" | sed 's/^0*//')
      # Compared as text first: a number too long for the shell's arithmetic is too many.
      if [ "${#number}" -le "${#most_processes}" ] && [ "$number" -le "$most_processes" ]; then
        printf '%s\n' "$number"
        return 0
      fi
      printf "%s='%s' is too many: expected how many processes, from 1 to %s (unset: %s).\n" \
        "$1" "$2" "$most_processes" "$3" >&2
      return 1
      ;;
  esac
  printf "%s='%s' is not a positive whole number: expected how many processes, at least 1 (unset: %s).\n" \
    "$1" "$2" "$3" >&2
  return 1
}

case "$1" in
  web)
    shift
    workers=$(count WEB_CONCURRENCY "${WEB_CONCURRENCY-}" 3) || exit 1
    python manage.py migrate --noinput
    # The access log names paths, never query strings or referrers: a search carries a
    # citizen's phone number, and the log is kept and read outside the portal's access rules.
    exec gunicorn wuqing_consumer.wsgi:application \
      --bind 0.0.0.0:8000 --workers "${workers:-3}" --access-logfile - \
      --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s' "$@"
    ;;
  worker)
    shift
    concurrency=$(count CELERY_CONCURRENCY "${CELERY_CONCURRENCY-}" "one a CPU") || exit 1
    if [ -n "$concurrency" ]; then
      set -- --concurrency "$concurrency" "$@"
    fi
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
