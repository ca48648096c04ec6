from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from projects.common.amounts import AmountField, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 500,50", Decimal("12500.50")),
        ("12\u00a0500", Decimal("12500")),
        ("1 234 567,5 kr", Decimal("1234567.5")),
        ("0", Decimal("0")),
        ("350:-", Decimal("350")),
        ("-20", Decimal("-20")),
        ("", None),
    ],
)
def test_reads_the_swedish_format(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [("12.50", "point"), ("1.500", "point"), ("1,2,3", "commas"), ("tolv", "invalid"), ("12e3", "invalid")],
)
def test_refuses_what_it_would_have_to_guess(text, code):
    with pytest.raises(ValidationError) as error:
        parse_amount(text)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (Decimal("1234567.5"), None, "1\u00a0234\u00a0567,50"),
        (Decimal("1000"), None, "1\u00a0000"),
        (Decimal("-2500.25"), None, "−2\u00a0500,25"),
        (Decimal("11.48654"), 4, "11,4865"),
        (None, None, ""),
    ],
)
def test_writes_the_swedish_format(value, decimals, expected):
    assert format_amount(value, decimals) == expected


class AmountForm(forms.Form):
    amount = AmountField()


def test_the_field_says_what_to_write_and_keeps_the_text():
    form = AmountForm({"amount": "12.50"})
    assert not form.is_valid()
    assert "komma" in form.errors["amount"][0]
    assert 'value="12.50"' in str(form["amount"])


def test_the_field_refuses_negative_and_absurd_amounts_in_the_swedish_format():
    negative = AmountForm({"amount": "-5"})
    assert not negative.is_valid()
    assert negative.errors["amount"] == ["Skriv ett belopp som är 0 eller mer."]
    absurd = AmountForm({"amount": "99 000 000 000"})
    assert not absurd.is_valid()
    assert absurd.errors["amount"] == ["Beloppet är orimligt stort. Skriv högst 10 000 000 000."]
    too_fine = AmountForm({"amount": "1,555"})
    assert not too_fine.is_valid()


def test_the_field_shows_a_stored_amount_in_the_swedish_format():
    form = AmountForm(initial={"amount": Decimal("12500.5")})
    html = str(form["amount"])
    assert 'value="12 500,50"' in html
    assert 'inputmode="decimal"' in html
    assert AmountForm({"amount": "12 500,50"}).is_valid()


def test_the_filters():
    html = Template("{% load amounts %}{{ a|kronor }}|{{ a|amount:0 }}|{{ none|kronor }}").render(
        Context({"a": Decimal("1234.5"), "none": None})
    )
    assert html == "1\u00a0234,50\u00a0kr|1\u00a0234|"
