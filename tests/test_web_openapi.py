"""A property-based test of the API's OpenAPI document (schemathesis): for every GET operation
it describes, requests made from the document's own parameter schemas, valid and not, get no
server error, a status code and a media type the document lists, headers it promises and a body
that keeps the response schema it gives for that status. Run in-process over the sample
corpus' store; Hypothesis' CI profile (tests/conftest.py) makes the examples the same on each
run, and `max_examples` keeps the whole test to about a minute."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

from newsweave.settings import Settings
from newsweave.web.app import create_app

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 40
# A request the document allows may still be refused for what the store holds: an id prefix
# that starts several ids is a 400 (`ambiguous_id`, documented; the API's only 400), and an id
# that starts none a 404. Valid data is otherwise accepted (schemathesis' own list).
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429", "5xx"]
            }
        }
    }
)


@pytest.fixture(scope="module")
def api_schema(pipeline):
    app = create_app(Settings(db=pipeline.db))
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)


def test_every_get_operation_keeps_its_document(api_schema):
    # One Hypothesis run per operation (schemathesis' own pytest fixture loader does not work
    # with this pytest); a failure names its operation and the request that broke it.
    operations = [result.ok() for result in api_schema.include(method="GET").get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def keeps_its_document(case) -> None:
            case.call_and_validate()

        keeps_its_document()


def test_every_success_has_a_schema_and_the_feeds_their_media_type(api_schema):
    document = api_schema.raw_schema
    operations = [
        (path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method == "get"
    ]
    assert len(operations) >= 8
    paths = {path for path, _ in operations}
    assert {
        "/api/outlets",
        "/api/storylines/{storyline_id}",
        "/api/stories/{event_id}/versions/{version}",
    } <= paths
    for path, operation in operations:
        content = operation["responses"]["200"]["content"]
        if path.startswith("/feeds/"):
            assert list(content) == ["application/atom+xml"], path
        else:
            schema_of = content["application/json"]["schema"]
            assert schema_of.get("$ref") or schema_of.get("properties"), path
