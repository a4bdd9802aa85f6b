"""A published consumer warning and a published list of dishonest violators, so a fresh
`make run` shows the public pages with something on them."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from departments.demo import demo_users

from . import services
from .models import Release


@transaction.atomic
def load_demo_releases() -> int:
    """Only when there are no releases yet; returns the number published."""
    if Release.objects.exists():
        return 0
    people = demo_users("office", "mr_liaison")
    if people is None:
        return 0
    office, liaison = people
    today = timezone.localdate()
    releases = [
        services.release_create(
            acting_user=liaison,
            kind="warning",
            title="关于谨慎办理健身、美容类预付卡的消费提示",
            body=(
                "近期我区健身、美容行业预付卡投诉有所上升。提醒广大消费者：办卡前查看经营者资质，"
                "不一次性大额充值，保留合同和付款凭证；遇到纠纷可拨打12345或12315反映。"
            ),
        ),
        services.release_create(
            acting_user=liaison,
            kind="violators",
            title="2026年第三季度失信经营者名单",
            body="以下经营者因违法行为受到行政处罚，依法予以公示。",
            entries=[
                {
                    "business_name": "天津市武清区某某健身会所",
                    "credit_code": "91350100M000100Y43",
                    "violation": "收取预付费后停业，拒不退还消费者余额",
                    "penalty": "罚款人民币五万元，责令退还预付款",
                    "decided_on": (today - timedelta(days=20)).isoformat(),
                    "exposure_from": (today - timedelta(days=10)).isoformat(),
                    "exposure_until": (today + timedelta(days=355)).isoformat(),
                }
            ],
        ),
    ]
    for release in releases:
        services.release_submit(release_id=release.id, acting_user=liaison)
        services.release_approve(
            release_id=release.id, acting_user=office, opinion_note="内容准确，舆情风险低。"
        )
        services.release_publish(release_id=release.id, acting_user=office)
    return len(releases)
