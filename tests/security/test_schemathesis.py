"""Schemathesis against the live schema (issue 17): a server on a free loopback port (the
live server fixture), the HQ operator's token, a bounded number of examples per operation.
No 500, every status code and response body as the schema says.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from tests.factories import OrganisationFactory, PersonFactory

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance,response_headers_conformance")


def test_api_answers_as_its_schema_says(live_server, hq_operator, almaty, tmp_path):
    token = Token.objects.create(user=hq_operator)
    for _ in range(3):
        PersonFactory(region=almaty)
        OrganisationFactory(region=almaty)
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "run", f"{live_server.url}/api/v1/schema/",
        "--header", f"Authorization: Token {token.key}",
        "--checks", CHECKS,
        "--max-examples", "8", "--seed", "20261203", "--workers", "1",
        "--phases", "examples,coverage,fuzzing",
        "--request-timeout", "20", "--max-time", "60",
        "--no-color", "--warnings", "off", "--generation-database", "none",
        "--report", "junit", "--report-dir", str(tmp_path),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=400)
    (tmp_path / "schemathesis.txt").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, run.stdout[-15000:] + run.stderr[-3000:]
