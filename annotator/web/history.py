"""History pages: a document's audit log, a project's and one user's, and restoring a layer.

Who sees what: reviewers, managers and admins see a document's whole log, coders only the
entries of their own layer; the project and per-user logs are for managers and admins. Restoring
follows the saving rules of the API: a coder restores their own layer, reviewers and up the gold
layer (web/access.py get_writable_layer_or_404).
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from annotator.extensions import db
from annotator.models import Document, Layer, Membership, Project, User
from annotator.services import history
from annotator.services.history import restore as restoring
from annotator.web import access
from annotator.web.history_text import describe, layer_names

bp = Blueprint("history", __name__)


class RestoreForm(FlaskForm):
    entry = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


def _page_number() -> int:
    return request.args.get("page", 1, type=int)  # anything but an integer means page 1


def _writable(layers: dict[int, Layer], role: str | None) -> set[int]:
    """Return the ids of the layers the current user may restore."""
    return {lid for lid, layer in layers.items()
            if (layer.kind == "coder" and layer.user_id == current_user.id)
            or (layer.kind == "gold" and access.has_role(role, "reviewer"))}


@bp.get("/documents/<int:document_id>/history")
@login_required
def document(document_id: int):
    """Show a document's audit log, newest first (coders: their own layer's entries only)."""
    doc = access.get_document_or_404(document_id)
    role = access.document_role(doc)
    layers = {layer.id: layer for layer in db.session.execute(
        db.select(Layer).where(Layer.document_id == doc.id)).scalars()}
    visible = None
    if not access.has_role(role, "reviewer"):
        visible = [lid for lid, layer in layers.items() if layer.user_id == current_user.id
                   and layer.kind == "coder"]
    page = history.document_history(doc.id, visible, _page_number())
    return render_template(
        "history/document.html", document=doc, project=db.session.get(Project, doc.project_id),
        page=page, describe=describe, names=layer_names(layers), writable=_writable(layers, role),
        restorable=history.changes_items)


@bp.get("/projects/<int:project_id>/history")
@login_required
def project(project_id: int):
    """Show a project's audit log and links to each member's (managers and admins)."""
    proj = access.get_project_or_404(project_id, "manager")
    members = db.session.execute(
        db.select(User, Membership.role).join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == proj.id).order_by(User.username)).all()
    page = history.project_history(proj.id, None, _page_number())
    return render_template("history/project.html", project=proj, page=page, members=members,
                           subject=None, describe=describe, titles=_titles(page))


@bp.get("/projects/<int:project_id>/users/<int:user_id>/history")
@login_required
def user(project_id: int, user_id: int):
    """Show what one user did in a project (managers and admins)."""
    proj = access.get_project_or_404(project_id, "manager")
    subject = db.get_or_404(User, user_id)
    page = history.project_history(proj.id, subject.id, _page_number())
    member = access.membership_role(subject, proj) is not None
    if not member and not page.total:
        abort(404)  # not a user of this project: as if the id did not exist
    return render_template("history/project.html", project=proj, page=page, members=None,
                           subject=subject, describe=describe, titles=_titles(page))


def _titles(page: history.Page) -> dict[int, str]:
    ids = {entry.document_id for entry, _ in page.rows if entry.document_id}
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Document.id, Document.title, Document.external_id).where(Document.id.in_(ids)))
    return {row.id: row.title or row.external_id for row in rows}


@bp.route("/layers/<int:layer_id>/restore", methods=["GET", "POST"])
@login_required
def restore(layer_id: int):
    """Preview, then restore, a layer as it was right after an audit entry."""
    layer = access.get_writable_layer_or_404(layer_id, lock=request.method == "POST")
    form = RestoreForm(entry=request.args.get("entry", type=int), version=layer.version)
    status, problem, target = 200, None, None
    if form.validate_on_submit():
        try:
            version = restoring.restore_layer(layer, form.entry.data, current_user,
                                              form.version.data)
        except restoring.StaleVersion:
            db.session.rollback()
            status, problem = 409, ("The layer changed since this page was opened; nothing "
                                    "was restored. Check the preview again.")
            layer = access.get_writable_layer_or_404(layer_id)
            form.version.data = layer.version
        except restoring.CannotRestore as error:
            db.session.rollback()
            status, problem = 422, error.message
        else:
            db.session.commit()
            flash(f"Restored the layer as it was after entry #{form.entry.data} "
                  f"(now version {version}).", "success")
            return redirect(url_for("history.document", document_id=layer.document_id))
    if form.entry.data is None:
        status, problem = 400, "Choose an entry of the history to restore to."
    elif problem is None or status == 409:
        try:
            target = history.listed(history.state_at(layer, form.entry.data))
        except history.CannotRestore as error:
            status, problem = 422, error.message
    now = history.listed(history.current_items(layer))
    return render_template("history/restore.html", layer=layer, form=form, problem=problem,
                           target=target, now=now, name=layer_names({layer.id: layer})[layer.id],
                           document=layer.document), status
