"""Schemathesis over the app's own OpenAPI schema, every /api/ operation, signed in.

Generated requests (valid ones, then invalid ones) go to the app served by uvicorn; every
response must be free of server errors and match the schema (status code, content type,
body), and invalid input must be refused. The number of examples per operation is
bounded so the run stays fast in CI.

Well-formed requests may still be refused by a business rule the schema cannot express
(claiming a wish someone claimed first, a category of another community, a wrong code):
those answer a documented 4xx, so the "valid data is accepted" check is left out; server
errors, undocumented statuses, response schemas and rejection of invalid input are checked.

Schemathesis' pytest plugin (``from_fixture``) fails under pytest 9, so the test drives
Hypothesis itself over each operation's strategy.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance
from schemathesis.schemas import APIOperation

from marketplace.web.auth import SESSION_COOKIE
from tests.cast import session_token
from tests.conftest import World
from tests.live import Server

EXAMPLES_PER_OPERATION = 40
SCHEMA_PATH = "/api/schema/openapi.json"


def api_operations(server: Server) -> list[APIOperation]:
    schema = schemathesis.openapi.from_url(server.url + SCHEMA_PATH).include(
        path_regex=r"^/api/")
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
async def signed_in(app_server: Server, world: World) -> requests.Session:
    """A requests session as a signed-in resident: session cookie + CSRF cookie and header."""
    me = await world.person()
    session = requests.Session()
    session.cookies.set(SESSION_COOKIE, await session_token(me))
    session.get(app_server.url + "/login", timeout=10)  # sets the CSRF cookie
    session.headers["x-csrftoken"] = session.cookies["csrftoken"]
    return session


def _takes_input(operation: APIOperation) -> bool:
    return bool(list(operation.iter_parameters())) or bool(operation.body)


def _exercise(operation: APIOperation, mode: GenerationMode, server: Server,
              session: requests.Session) -> int:
    """Run the bounded examples; returns how many requests were sent."""
    sent: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        response = case.call_and_validate(base_url=server.url, session=session, timeout=10,
                                          excluded_checks=[positive_data_acceptance])
        sent.append(response.status_code)

    run()
    return len(sent)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_api_conforms_to_its_schema(mode: GenerationMode, app_server: Server,
                                    signed_in: requests.Session) -> None:
    operations = api_operations(app_server)
    assert operations, "the schema lists no /api/ operation"
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not _takes_input(operation):
            continue  # nothing to make invalid: Hypothesis would find no example at all
        sent = _exercise(operation, mode, app_server, signed_in)
        assert sent > 0, f"no request was generated for {operation.label}"
