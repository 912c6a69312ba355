"""Long lists written in one pass (mentorprogram.forms.html_join) escape exactly as Django's format_html_join does."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from mentorprogram.forms import html_join, options_html

value = st.one_of(st.text(), st.integers(), st.sampled_from(["<script>", "a & b", "\"'", "{0}", "{}"]))


@given(rows=st.lists(st.tuples(value, value), max_size=20))
def test_it_writes_what_format_html_join_writes(rows):
    written = html_join('<option value="{}">{}</option>', rows)
    assert isinstance(written, SafeString)
    assert written == format_html_join("", '<option value="{}">{}</option>', rows)


def test_safe_values_are_kept_and_lazy_ones_translated():
    rows = [(mark_safe("<b>fet</b>"), gettext_lazy("Everyone"))]
    assert html_join("<li>{}: {}</li>", rows) == "<li><b>fet</b>: Alle</li>"


def test_the_chosen_option_is_selected():
    written = options_html([(1, "Ola <Nordmann>"), (2, "Kari & Per")], chosen={"2"})
    assert (
        written == '<option value="1">Ola &lt;Nordmann&gt;</option><option value="2" selected>Kari &amp; Per</option>'
    )
