"""Project pages: the user's projects, a coder's queue, and everyone's progress for reviewers."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from annotator.errors import AnnotatorError
from annotator.extensions import db
from annotator.services import accounts, queues
from annotator.services.projects import find_user
from annotator.web import access
from annotator.web.account_forms import AddMemberForm, MemberRoleForm, RemoveMemberForm

bp = Blueprint("projects", __name__)

STATUS_LABELS = {"assigned": "To do", "in_progress": "In progress", "done": "Done"}


@bp.app_template_global()
def annotate_url(document_id: int) -> str | None:
    """Return the annotation page's URL, or None while that page is not installed."""
    if "annotate.page" not in current_app.view_functions:
        return None
    return url_for("annotate.page", document_id=document_id)


@bp.get("/")
@login_required
def index():
    """List the projects the user belongs to."""
    return render_template("projects/index.html", projects=queues.projects_for(current_user),
                           manages_accounts=accounts.is_account_manager(current_user))


@bp.get("/projects/<int:project_id>")
@login_required
def project(project_id: int):
    """Show the user's queue, and for reviewers and managers every coder's progress."""
    project = access.get_project_or_404(project_id)
    role = access.membership_role(current_user, project)
    # The queue and the overview page separately, so that a reviewer with a queue sees both.
    pages = {"queue_page": request.args.get("queue_page", 1, type=int),
             "page": request.args.get("page", 1, type=int)}
    queue = None
    if role == "coder" or queues.has_assignments(project, current_user):
        queue = queues.coder_queue(project, current_user, pages["queue_page"])
        pages["queue_page"] = queue.page
    overview = None
    if access.has_role(role, "reviewer"):
        overview = queues.project_overview(project, pages["page"])
        pages["page"] = overview["page"]
    # Each pager's links keep the other list on the page it shows.
    pager_args = {"project_id": project.id, **{k: v for k, v in pages.items() if v > 1}}
    members = None
    if access.has_role(role, "manager"):
        members = {"members": accounts.members_of(project),
                   "add_form": AddMemberForm(formdata=None)}
    return render_template("projects/project.html", project=project, role=role, queue=queue,
                           overview=overview, pager_args=pager_args, labels=STATUS_LABELS,
                           members=members)


@bp.get("/projects/<int:project_id>/next")
@login_required
def next_document(project_id: int):
    """Go to the first document in the user's queue that is not done."""
    project = access.get_project_or_404(project_id)
    document = queues.next_document(project, current_user)
    if document is None:
        flash("Every document in your queue is done.", "success")
    elif annotate_url(document.id) is None:
        flash("The annotation page is not available yet.", "error")
    else:
        return redirect(annotate_url(document.id))
    return redirect(url_for("projects.project", project_id=project.id))


# -- members: managers of the project, and site admins ---------------------------------------

def _member_action(project_id: int, form_class, action, success: str):
    """Validate the form, run `action(project, user, form)`, commit once, go back to the list."""
    project = access.get_project_or_404(project_id, "manager")
    form = form_class()
    if form.validate_on_submit():
        try:
            user = find_user(form.username.data)
            action(project, user, form)
        except AnnotatorError as error:
            db.session.rollback()
            flash(error.message[:1].upper() + error.message[1:] + ".", "error")
        else:
            db.session.commit()
            flash(success.format(user=user.username, role=getattr(form, "role", None) and
                                 form.role.data), "success")
    else:
        for field in form:
            for error in field.errors:
                flash(f"{field.label.text or field.name}: {error}", "error")
    return redirect(url_for("projects.project", project_id=project.id, _anchor="members"))


@bp.post("/projects/<int:project_id>/members")
@login_required
def add_member(project_id: int):
    """Add an account to the project with a role."""
    return _member_action(
        project_id, AddMemberForm,
        lambda project, user, form: accounts.add_member(current_user, project, user,
                                                        form.role.data),
        "{user} is now {role} in this project.")


@bp.post("/projects/<int:project_id>/members/role")
@login_required
def change_role(project_id: int):
    """Change a member's role (a manager's is a site admin's to change)."""
    return _member_action(
        project_id, MemberRoleForm,
        lambda project, user, form: accounts.change_role(current_user, project, user,
                                                         form.role.data),
        "{user} is now {role} in this project.")


@bp.post("/projects/<int:project_id>/members/remove")
@login_required
def remove_member(project_id: int):
    """Remove a member; their annotations stay in the project."""
    return _member_action(
        project_id, RemoveMemberForm,
        lambda project, user, form: accounts.remove_member(current_user, project, user),
        "{user} is no longer a member of this project.")
