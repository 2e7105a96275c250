"""Django and library APIs that query where the call does not say so: `model_to_dict()` over
many-to-many fields, a model's `__str__` run by formatting and logging, form validation through
`errors`, and database-backed feature flags."""

import textwrap

import pytest

from verify.api import check_paths, check_source

MODELS = '''
from django.conf import settings
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=20)

    def __str__(self):
        return self.name


class Order(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    number = models.CharField(max_length=10, unique=True)
    note = models.TextField()
    tags = models.ManyToManyField(Tag)
    seen_by = models.ManyToManyField(settings.AUTH_USER_MODEL, editable=False, related_name="+")

    def __str__(self):
        return f"{self.number} for {self.user.username}"
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "manage.py").write_text("")
    shop = tmp_path / "shop"
    shop.mkdir()
    (shop / "__init__.py").write_text("")
    (shop / "models.py").write_text(MODELS)
    monkeypatch.chdir(tmp_path)

    def check(code: str, files: dict[str, str] | None = None, select=("DJA1", "DJA2")) -> list[tuple[int, str]]:
        for name, text in (files or {}).items():
            (shop / name).write_text(textwrap.dedent(text))
        (shop / "views.py").write_text(textwrap.dedent(code))
        return [(f.line, f.code) for f in check_paths(["shop"], select=list(select), cache=False).findings]

    return check


def test_model_to_dict_evaluates_the_many_to_many_fields_it_includes(project):
    assert project("""
        from django.forms.models import model_to_dict
        from django.http import JsonResponse
        from shop.models import Order

        async def detail(request, pk):
            order = await Order.objects.aget(pk=pk)
            return JsonResponse(model_to_dict(order, fields=["number", "tags"]))

        async def everything(request, pk):
            order = await Order.objects.select_related("user").aget(pk=pk)
            return JsonResponse(model_to_dict(order))
    """) == [(8, "DJA103"), (12, "DJA103")]


def test_model_to_dict_without_many_to_many_work_is_not_flagged(project):
    assert project("""
        from asgiref.sync import sync_to_async
        from django.forms import model_to_dict
        from django.http import JsonResponse
        from shop.models import Order, Tag

        async def detail(request, pk, wanted):
            order = await Order.objects.aget(pk=pk)
            prefetched = await Order.objects.prefetch_related("tags").aget(pk=pk)
            tag = await Tag.objects.aget(pk=pk)
            return JsonResponse({
                **model_to_dict(order, fields=["number", "note"]),  # no many-to-many field
                **model_to_dict(order, exclude=("tags",)),  # seen_by is not editable
                **model_to_dict(prefetched),  # read from the prefetch cache
                **model_to_dict(tag),
                **model_to_dict(order, fields=wanted),  # not known: left alone
                **await sync_to_async(model_to_dict)(order),
            })

        def sync_detail(request, pk):
            return JsonResponse(model_to_dict(Order.objects.get(pk=pk)))
    """) == []


def test_model_to_dict_message_names_the_fields_and_the_ways_out():
    source = textwrap.dedent(MODELS.replace("settings.AUTH_USER_MODEL", '"auth.User"') + """
        from django.forms.models import model_to_dict

        async def detail(request, pk):
            order = await Order.objects.aget(pk=pk)
            return model_to_dict(order)
    """)
    [finding] = check_source(source, "shop/views.py", select=["DJA103"])
    assert "many-to-many field `tags` of `order`" in finding.message
    assert 'prefetch_related("tags")' in finding.hint and 'exclude=["tags"]' in finding.hint


def test_formatting_and_logging_run_a_str_that_loads_a_relation(project):
    found = project("""
        import logging

        from django.http import HttpResponse
        from shop.models import Order

        logger = logging.getLogger(__name__)

        async def receipt(request, pk):
            order = await Order.objects.aget(pk=pk)
            logger.info("receipt for %s", order)
            logging.warning("receipt %(order)r", {"order": order})
            text = "order %s" % order
            other = "order {} {!r}".format(order, order)
            print(order)
            return HttpResponse(repr(order) + text + other)
    """)
    assert found == [(11, "DJA106"), (12, "DJA106"), (13, "DJA106"), (14, "DJA106"), (15, "DJA106"), (16, "DJA106")]


def test_formatting_what_is_loaded_or_not_an_instance_is_not_flagged(project):
    assert project("""
        import logging

        from django.http import HttpResponse
        from shop.models import Order, Tag

        logger = logging.getLogger(__name__)

        async def receipt(request, pk):
            order = await Order.objects.select_related("user").aget(pk=pk)
            lazy = await Order.objects.aget(pk=pk)
            tag = await Tag.objects.aget(pk=pk)
            logger.info("receipt for %s %s", order, tag)
            logger.debug("receipt for %s", lazy)  # debug records are usually dropped unformatted
            logger.info("receipt for %d", lazy.pk)
            logger.info(f"receipt for {lazy.number}")
            text = "order %s %d" % (order, lazy.pk) + "%(t)s" % {"t": tag} + "%s" % lazy.number
            other = "order {} {}".format(order, lazy.number) + "{0.number}".format(lazy)
            return HttpResponse(repr(order) + text + other + repr(tag))
    """) == []


def test_repr_runs_str_unless_the_model_defines_its_own(project):
    models = MODELS + '''

class Invoice(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE)

    def __str__(self):
        return str(self.order)

    def __repr__(self):
        return f"<Invoice {self.pk}>"
'''
    (__import__("pathlib").Path.cwd() / "shop" / "models.py").write_text(models)
    assert project("""
        from django.http import HttpResponse
        from shop.models import Invoice, Order

        async def show(request, pk):
            order = await Order.objects.aget(pk=pk)
            invoice = await Invoice.objects.aget(pk=pk)
            return HttpResponse(repr(order) + repr(invoice) + f"{invoice!r}")
    """) == [(8, "DJA106")]


FORMS = """
from django import forms
from shop.models import Order


class OrderForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["number", "user"]


class NoteForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["note"]
"""


def test_reading_form_errors_validates_the_form(project):
    assert project("""
        from django.http import JsonResponse
        from shop.forms import OrderForm

        async def create(request):
            form = OrderForm(request.POST)
            return JsonResponse({"errors": form.errors})

        async def check(request):
            form = OrderForm(data=request.POST)
            if not form.is_valid():
                return JsonResponse({"errors": form.errors, "top": form.non_field_errors()})
            return JsonResponse({})

        async def field(request):
            form = OrderForm(request.POST)
            return JsonResponse({"taken": form.has_error("number", "unique")})
    """, {"forms.py": FORMS}) == [(7, "DJA102"), (11, "DJA102"), (17, "DJA102")]


def test_errors_of_a_form_validated_off_the_loop_unbound_or_without_lookups_are_not_flagged(project):
    assert project("""
        from asgiref.sync import sync_to_async
        from django.http import JsonResponse
        from shop.forms import NoteForm, OrderForm
        from shop.models import Order

        async def create(request, pk):
            form = OrderForm(request.POST)
            valid = await sync_to_async(form.is_valid)()
            order = await Order.objects.aget(pk=pk)
            unbound = OrderForm(instance=order)
            note = NoteForm(request.POST)
            return JsonResponse({"ok": valid, "errors": form.errors, "unbound": unbound.is_valid(),
                                 "unbound_errors": unbound.errors, "note": note.errors, "valid": note.is_valid()})
    """, {"forms.py": FORMS}) == []


@pytest.mark.parametrize("call", [
    "waffle.flag_is_active(request, 'new_checkout')",
    "flag_is_active(request, 'new_checkout')",
    "switch_is_active('maintenance')",
    "waffle.sample_is_active('beta')",
    "flag_enabled('NEW_CHECKOUT', request=request)",
    "flags.state.flag_disabled('NEW_CHECKOUT')",
])
def test_database_backed_feature_flags_in_async_code_are_flagged(call):
    source = textwrap.dedent(f"""
        import flags.state
        import waffle
        from flags.state import flag_enabled
        from waffle import flag_is_active, switch_is_active

        async def checkout(request):
            return {call}
    """)
    assert [(f.line, f.code) for f in check_source(source, select=["DJA"])] == [(8, "DJA120")]


def test_feature_flags_off_the_event_loop_or_of_other_libraries_are_not_flagged():
    source = textwrap.dedent("""
        from asgiref.sync import sync_to_async
        from waffle import flag_is_active, switch_is_active
        from myapp.flags import flag_enabled

        async def checkout(request):
            def decide():
                return switch_is_active("maintenance")
            active = await sync_to_async(flag_is_active)(request, "new_checkout")
            return active and flag_enabled("local") and await sync_to_async(decide)()

        def sync_checkout(request):
            return flag_is_active(request, "new_checkout")
    """)
    assert check_source(source, select=["DJA"]) == []


def test_a_sync_helper_that_reads_a_flag_is_flagged_where_async_code_calls_it(project):
    assert project("""
        from django.http import JsonResponse
        from shop.features import new_checkout

        async def checkout(request):
            return JsonResponse({"new": new_checkout(request)})
    """, {"features.py": """
        from waffle import flag_is_active

        def new_checkout(request):
            return flag_is_active(request, "new_checkout")
    """}, select=["DJA1"]) == [(6, "DJA120")]


CONSTRAINED = '''

class Booking(models.Model):
    room = models.CharField(max_length=10)
    day = models.DateField()
    guests = models.IntegerField()
    note = models.TextField()

    class Meta:
        unique_together = ("room", "day")
        constraints = [models.CheckConstraint(condition=models.Q(guests__gte=1), name="some_guests")]
'''

BOOKING_FORMS = """
from django import forms
from shop.models import Booking


class SlotForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = ["room", "day"]  # unique together: validate_unique() queries


class GuestsForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = ["guests"]  # the check constraint runs as a query


class RoomForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = ["room", "note"]  # half of unique_together: not checked
"""


def test_unique_together_and_constraints_make_model_form_validation_query(project):
    from pathlib import Path

    (Path.cwd() / "shop" / "models.py").write_text(MODELS + CONSTRAINED)
    assert project("""
        from django.http import JsonResponse
        from shop.forms import GuestsForm, RoomForm, SlotForm

        async def book(request):
            slot, guests, room = SlotForm(request.POST), GuestsForm(request.POST), RoomForm(request.POST)
            return JsonResponse({"slot": slot.is_valid(), "guests": guests.is_valid(), "room": room.is_valid()})
    """, {"forms.py": BOOKING_FORMS}) == [(7, "DJA102"), (7, "DJA102")]


def test_a_sync_helper_that_formats_or_logs_an_instance_is_flagged_where_async_code_calls_it(project):
    found = project("""
        from django.http import HttpResponse
        from shop.models import Order
        from shop.receipts import log_payment, title

        async def pay(request, pk):
            order = await Order.objects.aget(pk=pk)
            log_payment(order)
            return HttpResponse(title(order))

        async def loaded(request, pk):
            order = await Order.objects.select_related("user").aget(pk=pk)
            log_payment(order)
            return HttpResponse(title(order))
    """, {"receipts.py": """
        import logging

        logger = logging.getLogger(__name__)

        def log_payment(order):
            logger.info("paid %s", order)

        def title(order):
            return "Receipt " + str(order)
    """})
    assert found == [(8, "DJA106"), (9, "DJA106")]
