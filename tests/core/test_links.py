"""The templates' quick link builders give exactly what url_for gives."""

from __future__ import annotations

import pytest
from flask import url_for

from core.templating import UrlPattern, template_url_for, url_with


def test_template_url_for_and_patterns_match_url_for(app):
    with app.test_request_context("/hr/3/staff?q=x"):
        for endpoint, values in [
            ("hr.person", {"institution_id": 3, "person_id": 12}),
            ("hr.staff", {"institution_id": 3, "q": "王 五", "page": 2}),
            ("core.home", {}),
            ("static", {"filename": "css/app.css"}),
        ]:
            assert template_url_for(endpoint, **values) == url_for(endpoint, **values)
        # what Flask handles itself: relative endpoints and special arguments
        assert template_url_for("hr.person", institution_id=3, person_id=1, _anchor="a") == (
            url_for("hr.person", institution_id=3, person_id=1, _anchor="a")
        )
        person = UrlPattern("hr.person", "person_id", institution_id=3)
        for person_id in (1, 12, 987654):
            assert person(person_id) == url_for("hr.person", institution_id=3, person_id=person_id)
        # a key that is not in the path ends up in the query string: still exact
        by_page = UrlPattern("hr.staff", "page", institution_id=3)
        assert by_page(7) == url_for("hr.staff", institution_id=3, page=7)
        with pytest.raises(ValueError):
            person("12; DROP")  # only integers are filled in


def test_url_with_keeps_the_path_when_the_query_repeats_its_arguments(app):
    with app.test_request_context("/hr/3/staff?institution_id=9&q=a&page=4"):
        assert url_with(page=None, sort="name") == "/hr/3/staff?q=a&sort=name"
