#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    """Run administrative tasks."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuqing_consumer.settings")
    try:
        from django.core.management import execute_from_command_line
    except ImportError as exc:
        raise ImportError(
            "Couldn't import Django. Are you sure it's installed and "
            "available on your PYTHONPATH environment variable? Did you "
            "forget to activate a virtual environment?"
        ) from exc
    from django.core.exceptions import ImproperlyConfigured

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        # A variable the settings cannot use: its one line says which and why, and is all
        # the operator needs. (The module is loaded by then: the settings raised from it.)
        environment = sys.modules.get("wuqing_consumer.environment")
        if environment and isinstance(error, environment.EnvironmentValueError):
            sys.exit(str(error))
        raise


if __name__ == "__main__":
    main()
