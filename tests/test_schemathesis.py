"""Schemathesis against /api/openapi.json: for every operation and every role (coder, reviewer,
manager, site admin), generated requests (valid and invalid) never get a 5xx, and every answer
fits the schema: a documented status code, content type, headers and body.

The coder and the reviewer are signed in with a session cookie and send the CSRF token as the
pages do; the manager and the admin send an API token (`Authorization: Bearer`). Path ids are
drawn from the seeded objects half of the time (the other half are random, mostly 404s), so
that requests reach the code behind the access checks. One app and database per module (SQLite,
or PostgreSQL with ANNOTATOR_TEST_DATABASE_URL), with a bounded number of examples per operation
and role, to keep the run near half a minute per database.
"""

import copy
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from annotator import create_app
from annotator.extensions import db
from annotator.models import Actor, ActorAlias, Layer, Paragraph, ParagraphNote, User
from annotator.services.accounts import issue_token
from annotator.web.openapi import openapi_document
from tests.conftest import POSTGRES_URL, IsolatedClient, _empty_postgres
from tests.helpers import add_member, make_document, make_project
from tests.web_fixtures import Browser, _codebook, make_fast_user

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
COVERAGE_CASES = 30  # per operation and role, at most
EXAMPLES = 2  # random ones per operation, role, kind of data (valid, invalid) and kind of ids
ROLES = {"coder": "coderA", "reviewer": "reviewerR", "manager": "managerM", "admin": "admin"}
BEARER = {"manager", "admin"}  # the others use the session cookie and the CSRF header
# Schemathesis leaves out the document it reads the schema from (tests/test_openapi.py reads it).
OPERATIONS = [f"{method.upper()} {path}" for path, operations in openapi_document()["paths"].items()
              for method in operations if path != "/api/openapi.json"]
CASES = [pytest.param(role, operation, id=f"{role}-{operation}")
         for role in ROLES for operation in OPERATIONS]


@pytest.fixture(scope="module")
def api(request, tmp_path_factory):
    """An app on a fresh database with a seeded world, and how each role authenticates."""
    if POSTGRES_URL:
        url = request.getfixturevalue("postgres_database")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'test.sqlite'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "test-" + uuid.uuid4().hex, "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    app.instance_path = str(tmp_path_factory.mktemp("instance"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()
        ids = seed()
        headers = {}
        for role, name in ROLES.items():
            if role in BEARER:

                user = db.session.execute(select(User).where(User.username == name)).scalar_one()
                _, secret = issue_token(None, user, "schemathesis")
                db.session.commit()
                headers[role] = ({"Authorization": f"Bearer {secret}"}, {})
            else:
                browser = Browser(app.test_client())
                assert browser.login(name).status_code == 302
                cookie = browser.client.get_cookie("session")
                headers[role] = ({"X-CSRFToken": browser.token}, {"session": cookie.value})
        db.session.commit()

        def wsgi(environ, start_response):
            # Each request in an app context (and database session) of its own, as in production.
            db.session.commit()
            with app.app_context():
                return list(app(environ, start_response))

        # Our own session cookie, CSRF header or token, not generated values for them.
        config = schemathesis.config.SchemathesisConfig.from_dict(
            {"generation": {"with-security-parameters": False}})
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi, config=config)
        operations = {f"{o.method.upper()} {o.path}": o
                      for o in (result.ok() for result in schema.get_all_operations())}
        assert sorted(operations) == sorted(OPERATIONS)
        yield {"app": app, "schema": schema, "operations": operations, "headers": headers,
               "ids": ids, "coder_layer": ids["coder_layer"]}
        if POSTGRES_URL:
            _empty_postgres()
        db.session.remove()
        db.engine.dispose()


def seed() -> dict[str, list[int]]:
    """Seed P1 (coderA, coderC, reviewerR, managerM) and P2 (coderB), an admin, actors, notes
    and layers; return the ids a path parameter may take."""
    p1 = make_project("P1", codebook=copy.deepcopy(_codebook()))
    p2 = make_project("P2", codebook=copy.deepcopy(_codebook()))
    users = {name: make_fast_user(name) for name in
             ("coderA", "coderB", "coderC", "reviewerR", "managerM")}
    make_fast_user("admin", admin=True)
    for name, project, role in (("coderA", p1, "coder"), ("coderC", p1, "coder"),
                                ("reviewerR", p1, "reviewer"), ("managerM", p1, "manager"),
                                ("coderB", p2, "coder")):
        add_member(project, users[name], role)
    documents = [make_document(p1, "d1", ["Kyiv said “the talks will go on,” officials said.",
                                          "Moscow denied it."]),
                 make_document(p1, "d2", ["A second document."]),
                 make_document(p2, "b1", ["Another project's text."])]
    actor = Actor(project_id=p1.id, name="Ukraine", entity_type="GPE")
    actor.aliases.append(ActorAlias(project_id=p1.id, alias="Kyiv", folded="kyiv"))
    db.session.add(actor)
    for document in documents[:2]:
        for name in ("coderA", "coderC"):
            db.session.add(Layer(document_id=document.id, kind="coder", user_id=users[name].id,
                                 version=0, codebook_version=1))
    db.session.flush()
    paragraph = db.session.execute(select(Paragraph).where(
        Paragraph.document_id == documents[0].id)).scalars().first()
    db.session.add(ParagraphNote(paragraph_id=paragraph.id, user_id=users["coderA"].id,
                                 kind="comment", body="A note."))
    db.session.commit()

    def all_ids(model):
        return list(db.session.execute(select(model.id)).scalars())

    coder_layer = db.session.execute(select(Layer.id).where(
        Layer.user_id == users["coderA"].id, Layer.document_id == documents[0].id)).scalar_one()
    return {"project_id": [p1.id, p2.id], "document_id": [d.id for d in documents],
            "coder_layer": coder_layer,
            "layer_id": all_ids(Layer), "paragraph_id": all_ids(Paragraph),
            "note_id": all_ids(ParagraphNote)}


@pytest.mark.parametrize("role, operation", CASES)
def test_no_server_error_and_no_answer_outside_the_schema(api, role, operation):
    endpoint = api["operations"][operation]
    headers, cookies = api["headers"][role]
    failures: dict[str, str] = {}

    def send(case) -> None:
        try:
            response = case.call(headers=headers, cookies=cookies)
        except Exception as error:  # TESTING propagates what would be a 500
            failures.setdefault(f"{type(error).__name__}: {error}"[:200],
                                f"{case.method} {case.formatted_path} query={case.query} "
                                f"body={case.body!r:.300}")
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as error:  # a check failed: keep one example of each kind
            first = str(error).strip().splitlines()[0]
            failures.setdefault(first, f"{case.method} {case.formatted_path} "
                                       f"query={case.query} body={case.body!r:.300} -> "
                                       f"{response.status_code} {response.text[:300]}")

    # Schemathesis's coverage cases first (each constraint of the schema broken in turn, e.g.
    # a decision id that is an object), with the ids of real objects where a path id is valid.
    for n, case in enumerate(coverage_cases(api["schema"], endpoint)):
        for name, value in case.path_parameters.items():
            if str(value).isdigit():
                known = api["ids"][name]
                case.path_parameters[name] = known[n % len(known)]
        send(case)
    fuzz(api, endpoint, send)
    assert not failures, "\n".join(f"{k}\n    {v}" for k, v in failures.items())


def coverage_cases(schema, endpoint) -> list:
    """Return up to COVERAGE_CASES of the operation's coverage cases, evenly spread."""
    from schemathesis import GenerationMode

    found = list(schema.iter_coverage_cases(
        endpoint, generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        generation_config=schema.config.generation_for(operation=endpoint)))
    return found[::-(-len(found) // COVERAGE_CASES)] if found else []


def fuzz(api, endpoint, send) -> None:
    """Send random valid and invalid requests, half of them with the ids of real objects."""
    from schemathesis import GenerationMode

    names = [p.name for p in endpoint.path_parameters]
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(endpoint.as_strategy(mode))
        if names:
            known = st.fixed_dictionaries({name: st.sampled_from(api["ids"][name])
                                           for name in names})
            strategies.append(known.flatmap(
                lambda values, mode=mode: endpoint.as_strategy(mode, path_parameters=values)))

    @settings(max_examples=EXAMPLES * len(strategies), deadline=None, database=None,
              suppress_health_check=list(HealthCheck), derandomize=True)
    @given(case=st.one_of(strategies))
    def run(case):
        send(case)

    run()


def test_every_operation_is_fuzzed():
    assert len(OPERATIONS) == len(set(OPERATIONS)) >= 15


# Inputs that once gave a 500 (issue 17), sent as fixed cases as well: random generation need
# not hit them in a bounded run.
UNHASHABLE = [{"a": 1}, ["a"]]


@pytest.mark.parametrize("value", UNHASHABLE, ids=["object", "list"])
def test_a_suggestion_decision_whose_id_is_an_object_or_list_is_a_422(api, value):
    answer = coder(api).post(f"/api/documents/{api['ids']['document_id'][0]}/suggestions"
                             "/decisions", {"decisions": [{"id": value, "decision": "accepted"}]})
    assert answer.status_code == 422, answer.get_data(as_text=True)


@pytest.mark.parametrize("value", UNHASHABLE, ids=["object", "list"])
def test_a_change_whose_op_is_an_object_or_list_is_a_422(api, value):
    answer = coder(api).post(f"/api/layers/{api['coder_layer']}/changes",
                             {"change_id": "c-op", "base_version": 0, "changes": [{"op": value}]})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert answer.get_json()["error"] == "invalid_change"


def coder(api) -> Browser:
    """Return coderA signed in afresh, sending the CSRF token as the pages do."""
    browser = Browser(api["app"].test_client())
    assert browser.login("coderA").status_code == 302
    return browser
