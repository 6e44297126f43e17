"""The permission table: for every route and method, the lowest role that may use it.

Roles rank anonymous < user (signed in, member of another project only) < coder < reviewer <
manager < admin (a site admin, member of nothing). What each role gets follows from one rule:
- anonymous: pages answer 302 to the sign-in page, /api answers 401, unless the route is public;
- a non-member gets 404, exactly as for a missing object, unless the route needs no project;
- a member below the route's role gets `below` (403, or 404 where even the object's existence
  is hidden from them), any role in `others` what it says there;
- everyone else gets one of the `ok` statuses.
tests/test_routes.py walks every rule of `app.url_map` for every role against this table (and
fails for a route missing here); docs/security.md shows it as the permission matrix.
URL and body templates are filled per request from the ids in tests/test_routes.py: `own_layer`,
`own_note` and `own_entry` are the signed-in user's own (coderA's for those without any).
"""

from dataclasses import dataclass, field

ROLES = ("anonymous", "nonmember", "coder", "reviewer", "manager", "admin")
RANK = {"public": 0, "user": 1, "coder": 2, "reviewer": 3, "manager": 4, "admin": 5,
        "nobody": 6}


@dataclass(frozen=True)
class Rule:
    role: str  # public, user, coder, reviewer, manager, admin, or nobody (of the roles walked)
    url: str
    ok: tuple[int, ...] = (200,)
    below: int = 403
    others: dict[str, int] = field(default_factory=dict)
    json: object = None  # a JSON body for /api writes
    form: dict | None = None  # form fields for page writes (the CSRF token is added)
    note: str = ""


CHANGE = {"change_id": "walk-{role}", "base_version": "{own_version}", "changes": [
    {"op": "add_span", "span": {"id": "walk-{role}", "paragraph": 0, "start": 0, "end": 7,
                                "label": "ACTOR"}}]}
GOLD_CHANGE = {**CHANGE, "base_version": "{gold_version}"}
NOT_ASSIGNED = {"reviewer": 403, "manager": 403, "admin": 403}
NEW_PASSWORD = {"password": "walk password {role}", "confirm": "walk password {role}"}

PERMISSIONS: dict[tuple[str, str], tuple[Rule, ...]] = {
    ("auth.login", "GET"): (Rule("public", "/auth/login", ok=(200, 302),
                                 note="signed-in users are sent home"),),
    ("auth.login", "POST"): (Rule("public", "/auth/login", ok=(200, 302),
                                  form={"username": "nobody", "password": "wrong"}),),
    ("auth.logout", "POST"): (Rule("user", "/auth/logout", ok=(302,), form={}),),
    ("accounts.own", "GET"): (Rule("user", "/account"),),
    ("accounts.own_password", "POST"): (
        Rule("user", "/account/password", ok=(302,), form={"current": "wrong", **NEW_PASSWORD},
             note="one's own, with the current password"),),
    ("accounts.own_new_token", "POST"): (Rule("user", "/account/tokens", form={"name": "walk"},
                                              note="for oneself; shown once"),),
    ("accounts.own_revoke_token", "POST"): (
        Rule("user", "/account/tokens/revoke", ok=(302,), form={"token": "0"},
             note="one's own tokens only"),),
    ("accounts.index", "GET"): (Rule("manager", "/accounts", below=404,
                                     note="site admins, and managers of any project"),),
    ("accounts.create", "POST"): (
        Rule("manager", "/accounts", ok=(302,), below=404,
             form={"username": "walk-{role}", **NEW_PASSWORD}),),
    ("accounts.account", "GET"): (
        Rule("manager", "/accounts/{coderA}", below=404,
             note="managers: accounts that are only in projects they manage"),),
    ("accounts.set_active", "POST"): (
        Rule("manager", "/accounts/{coderA}/active", ok=(302,), below=404,
             form={"active": "no"}, note="deactivate"),
        Rule("manager", "/accounts/{coderA}/active", ok=(302,), below=404,
             form={"active": "yes"}, note="activate")),
    ("accounts.reset_password", "POST"): (
        Rule("manager", "/accounts/{coderA}/password", ok=(302,), below=404,
             form=NEW_PASSWORD),),
    ("accounts.revoke_token", "POST"): (
        Rule("manager", "/accounts/{coderA}/tokens/revoke", ok=(302,), below=404,
             form={"token": "0"}),),
    ("projects.index", "GET"): (Rule("user", "/"),),
    ("projects.project", "GET"): (Rule("coder", "/projects/{p1}"),),
    ("projects.next_document", "GET"): (Rule("coder", "/projects/{p1}/next", ok=(302,)),),
    ("projects.add_member", "POST"): (
        Rule("manager", "/projects/{p1}/members", ok=(302,),
             form={"username": "coderB", "role": "coder"}),),
    ("projects.change_role", "POST"): (
        Rule("manager", "/projects/{p1}/members/role", ok=(302,),
             form={"username": "coderC", "role": "reviewer"},
             note="a manager's role is a site admin's to change"),),
    ("projects.remove_member", "POST"): (
        Rule("manager", "/projects/{p1}/members/remove", ok=(302,), form={"username": "coderC"},
             note="the member's work stays"),),
    ("annotate.page", "GET"): (Rule("coder", "/documents/{doc1}/annotate"),),
    ("api.openapi", "GET"): (Rule("public", "/api/openapi.json"),),
    ("api.read_layer", "GET"): (
        Rule("coder", "/api/documents/{doc1}/layer", note="coders: their own layer"),
        Rule("reviewer", "/api/documents/{doc1}/layer?layer=gold", below=404),
        Rule("reviewer", "/api/documents/{doc1}/layer?layer=coderC", below=404)),
    ("api.save_changes", "POST"): (
        Rule("coder", "/api/layers/{own_layer}/changes", json=CHANGE,
             note="a coder layer only by its coder"),
        Rule("reviewer", "/api/layers/{gold}/changes", below=404, json=GOLD_CHANGE),
        Rule("nobody", "/api/layers/{coderC_layer}/changes", below=404, json=CHANGE,
             others={"reviewer": 403, "manager": 403, "admin": 403},
             note="nobody changes another coder's layer")),
    ("api.set_status", "POST"): (Rule("coder", "/api/documents/{doc1}/status",
                                      json={"status": "done"}, others=NOT_ASSIGNED,
                                      note="only coders have assignments to mark"),),
    ("api.search_actors", "GET"): (Rule("coder", "/api/projects/{p1}/actors?q=u"),),
    ("api.propose_actor", "POST"): (Rule("coder", "/api/projects/{p1}/actors", ok=(201,),
                                         json={"name": "Actor {role}", "entity_type": "ORG"}),),
    ("api.list_notes", "GET"): (Rule("coder", "/api/paragraphs/{para1}/notes"),),
    ("api.add_note", "POST"): (Rule("coder", "/api/paragraphs/{para1}/notes", ok=(201,),
                                    json={"kind": "flag"}),),
    ("api.delete_note", "DELETE"): (
        Rule("coder", "/api/notes/{own_note}", note="one's own notes only"),
        Rule("nobody", "/api/notes/{coderC_note}", below=404,
             others={"reviewer": 403, "manager": 403, "admin": 403},
             note="another's note: hidden from coders, refused to reviewers and up")),
    ("api_suggestions.list_suggestions", "GET"): (
        Rule("coder", "/api/documents/{doc1}/suggestions"),),
    ("api_suggestions.make_suggestions", "POST"): (
        Rule("coder", "/api/documents/{doc1}/suggestions", json={}),),
    ("api_suggestions.decide", "POST"): (
        Rule("coder", "/api/documents/{doc1}/suggestions/decisions", ok=(422,),
             json={"decisions": []}, note="an empty list passes the check, then is refused"),),
    ("api_suggestions.stats", "GET"): (Rule("manager", "/api/projects/{p1}/suggestion-stats"),),
    ("review.page", "GET"): (Rule("reviewer", "/documents/{doc1}/review"),),
    ("review.read_review", "GET"): (Rule("reviewer", "/api/documents/{doc1}/review"),),
    ("review.post_decision", "POST"): (Rule("reviewer", "/api/documents/{doc1}/review/decisions",
                                            json={"action": "accept_agreed",
                                                  "gold_version": "{gold_version}"}),),
    ("review.post_finish", "POST"): (Rule("reviewer", "/api/documents/{doc1}/review/finish",
                                          ok=(200, 409), json={},
                                          note="409 while assigned coders are not done"),),
    ("review.agreement", "GET"): (Rule("reviewer", "/projects/{p1}/agreement"),),
    ("review.assign", "GET"): (Rule("manager", "/projects/{p1}/assign"),),
    ("review.assign", "POST"): (Rule("manager", "/projects/{p1}/assign", ok=(302,),
                                     form={"coders": "coderA", "overlap": "1", "seed": "0"}),),
    ("data.import_page", "GET"): (Rule("manager", "/projects/{p1}/import"),),
    ("data.import_page", "POST"): (Rule("manager", "/projects/{p1}/import", ok=(302,), form={
        "format": "", "files": ('{{"id": "walk-{role}", "text": "Imported."}}\n',
                                "walk.jsonl")}),),
    ("data.export_page", "GET"): (Rule("manager", "/projects/{p1}/export"),),
    ("data.export_page", "POST"): (Rule("manager", "/projects/{p1}/export",
                                        form={"format": "native", "layer": ""}),),
    ("history.document", "GET"): (Rule("coder", "/documents/{doc1}/history",
                                       note="coders: their own layer's entries"),),
    ("history.project", "GET"): (Rule("manager", "/projects/{p1}/history"),),
    ("history.user", "GET"): (Rule("manager", "/projects/{p1}/users/{coderA}/history"),),
    ("history.restore", "GET"): (
        Rule("coder", "/layers/{own_layer}/restore?entry={own_entry}", note="as saving"),
        Rule("reviewer", "/layers/{gold}/restore?entry={gold_entry}", below=404)),
    ("history.restore", "POST"): (
        Rule("coder", "/layers/{own_layer}/restore", ok=(302,),
             form={"entry": "{own_entry}", "version": "{own_version}"}),
        Rule("reviewer", "/layers/{gold}/restore", ok=(302,), below=404,
             form={"entry": "{gold_entry}", "version": "{gold_version}"})),
}


def allowed(rule: Rule, role: str) -> bool:
    """Tell whether `role` may use the rule's route."""
    if rule.role == "public" or (rule.role == "user" and role != "anonymous"):
        return True
    if role in ("anonymous", "nonmember") or role in rule.others:
        return False
    return RANK[role] >= RANK[rule.role]


def expected(rule: Rule, role: str, api: bool) -> tuple[int, ...]:
    """Return the statuses `role` may get from the rule's route."""
    if allowed(rule, role):
        return rule.ok
    if role == "anonymous":
        return (401,) if api else (302,)
    if role == "nonmember":
        return (404,)
    return (rule.others.get(role, rule.below),)


def matrix_rows() -> list[str]:
    """Return the table as Markdown rows, one per rule (docs/security.md shows them)."""
    rows = []
    for (_endpoint, method), rules in PERMISSIONS.items():
        for rule in rules:
            api = rule.url.startswith("/api/")
            cells = ["yes" if allowed(rule, role) else str(expected(rule, role, api)[0])
                     for role in ROLES]
            rows.append(f"| `{method} {rule.url}` | {' | '.join(cells)} | {rule.note} |")
    return rows
