"""The HTML page is filled in one pass: a part that reads like a slot (a resource named
`{{data}}`) is never filled in turn, so plan data cannot put the page's data in an attribute."""

from tfreach.reports.html_report import filled


def test_a_part_is_never_filled_in_turn():
    template = '<g data-name="{{svg}}"></g><script>{{data}}</script>'
    page = filled(template, {"svg": "{{data}}", "data": '{"x": "\\" onmouseover=alert(1) "}'})
    assert page == '<g data-name="{{data}}"></g><script>{"x": "\\" onmouseover=alert(1) "}</script>'
