"""The live content a request sees: read once, in one statement, and the catalogue built from exactly that."""

from __future__ import annotations

from course.content.state import content_state
from course.content.sync import sync_content
from course.extensions import db
from course.learn import queries


def test_the_catalogue_is_built_from_the_versions_the_request_read_even_if_a_sync_lands_meanwhile(
        app, editable_content):
    sync_content(editable_content)
    db.session.commit()
    module = editable_content / "modules" / "01-alpha" / "module.yaml"
    with app.app_context(), app.test_request_context("/"):  # a request's own context, as in production
        seen = content_state()  # what this request read first
        module.write_text(module.read_text().replace("en: Alpha module", "en: Alpha module revised"))
        sync_content(editable_content)  # another process syncs while the request runs
        db.session.commit()
        catalogue = queries.load_catalogue()
        assert content_state() is seen
        assert catalogue.modules["alpha"].data["meta"]["title"]["en"] == "Alpha module"
    with app.app_context(), app.test_request_context("/"):
        assert queries.load_catalogue().modules["alpha"].data["meta"]["title"]["en"] == "Alpha module revised"
