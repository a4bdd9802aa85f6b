"""Small assertions shared by several test modules."""

import re

# Only the CSRF token and the page's own address (for the language switch) may differ
# between two renderings of the same page.
_VOLATILE = re.compile(
    rb'(csrfmiddlewaretoken" value="|X-CSRFToken": "|name="next" type="hidden" value=")[^"]+'
)


def same_page(first: bytes, second: bytes) -> bool:
    return _VOLATILE.sub(b"", first) == _VOLATILE.sub(b"", second)
