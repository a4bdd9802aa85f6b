"""The portal's settings for a test worker that redelivers a lost task within seconds.

A deployment cannot set a visibility timeout this short (settings.py refuses one a task
could outlast); the test of a killed worker's task being redone would otherwise wait 16
minutes for it. Its task is killed long before any time limit.
"""

from wuqing_consumer.settings import *  # noqa: F403
from wuqing_consumer.settings import CELERY_BROKER_TRANSPORT_OPTIONS

CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
