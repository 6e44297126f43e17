"""Project pages: the user's projects, a coder's queue, and everyone's progress for reviewers."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from annotator.services import queues
from annotator.web import access

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
    return render_template("projects/index.html", projects=queues.projects_for(current_user))


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
    return render_template("projects/project.html", project=project, role=role, queue=queue,
                           overview=overview, pager_args=pager_args, labels=STATUS_LABELS)


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
