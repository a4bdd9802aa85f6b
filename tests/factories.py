import factory

from departments.models import DutyContact, Role, Unit, User


def unit(code: str) -> Unit:
    """Units come from the data migration; tests pick them by code."""
    return Unit.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    password = factory.django.Password("correct horse battery")
    unit = factory.LazyFunction(lambda: unit("market-regulation"))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(Role.objects.filter(code__in=extracted))


class DutyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyContact

    unit = factory.LazyFunction(lambda: unit("market-regulation"))
    label = "值班电话"
    phone = factory.Sequence(lambda n: f"022-8200{n:04d}")
    hours = "工作日 8:30-17:30"


ORDER_DEFAULTS = {
    "kind": "complaint",
    "channel": "12345",
    "content": "在超市买到过期的酸奶，要求退货赔偿",
    "citizen_name": "张先生",
    "unit_code": "market-regulation",
}


def make_order(office_user: User | None, **overrides):
    """A work order registered through intake, as the office would: a complaint dispatched to
    the Market Regulation Bureau unless `overrides` say otherwise (`send_to_triage=True`,
    another `unit_code`, `kind`, `citizen_phone`, ...)."""
    from complaints.services import workorder_intake

    return workorder_intake(acting_user=office_user, **{**ORDER_DEFAULTS, **overrides})
