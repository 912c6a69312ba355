"""The API's contract: the OpenAPI schema is committed (docs/openapi-v1.yaml) and errors have one shape."""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiYamlRenderer

from mentorprogram.roles import REFERRER
from tests.mentorprogram.factories import token_client

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_schema_is_the_api():
    with translation.override("en"):  # the schema is written in English (make schema --lang en)
        schema = SchemaGenerator().get_schema(request=None, public=True)
        generated = OpenApiYamlRenderer().render(schema, renderer_context={}).decode()
    committed = (ROOT / "docs" / "openapi-v1.yaml").read_text(encoding="utf-8")
    assert generated == committed, (
        "The API changed and docs/openapi-v1.yaml did not: run `make schema`, read the diff against the "
        "README's «Versioning» (nothing removed or renamed within v1), and commit it."
    )
    assert {"/api/v1/me/", "/api/v1/referrals/", "/api/v1/referrals/{id}/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_every_error_has_one_shape_in_the_language_asked_for(make_user):
    user = make_user(REFERRER)
    _token, api = token_client(user, name="Test")
    answers = [
        api.get("/api/v1/referrals/424242/"),  # 404
        api.delete("/api/v1/referrals/"),  # 405
        api.post("/api/v1/referrals/", b"{oops", content_type="application/json"),  # malformed JSON: 400
        api.post("/api/v1/referrals/", {"source": "nowhere"}, content_type="application/json"),  # fields: 400
        Client().get("/api/v1/referrals/"),  # no credentials: 401
        Client(HTTP_AUTHORIZATION="Bearer mp_x_y").get("/api/v1/me/"),  # a wrong token: 401
        api.post("/api/v1/referrals/", b'{"concern": "' + b"x" * 3_000_000 + b'"}', content_type="application/json"),
    ]
    assert [a.status_code for a in answers] == [404, 405, 400, 400, 401, 401, 400]
    for answer in answers:
        body = answer.json()
        assert set(body) == {"detail", "errors"} and isinstance(body["errors"], dict), body
    assert "source" in answers[3].json()["errors"]
    assert answers[3].json()["detail"] == "Dataene er ikke gyldige."  # bokmål unless English is asked for
    english = api.post(
        "/api/v1/referrals/", {"source": "nowhere"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en-GB,en"
    )
    assert english.json()["detail"] == "The data are not valid."


def test_the_docs_page_lists_every_operation_of_the_committed_schema(client, user, verified_login):
    import yaml

    verified_login(client, user)
    page = client.get("/developers/api/").content.decode()
    schema = yaml.safe_load((ROOT / "docs" / "openapi-v1.yaml").read_text())
    for path, item in schema["paths"].items():
        for method in ("get", "post"):
            if method in item:
                assert f"{method.upper()} {path}" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]  # no script of its own
    assert "submission_key" in page and "«accepted»" in page  # fields and choices, from the schema
