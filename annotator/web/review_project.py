"""Project pages of the review blueprint: agreement figures, and assigning documents to coders."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, ValidationError

from annotator.agreement import agreement_svg, format_agreement_table
from annotator.errors import InputError
from annotator.extensions import db
from annotator.models import Assignment, Document, Membership, Project, User
from annotator.services.agreeing import project_agreement
from annotator.services.assigning import assign_documents, count_unassigned
from annotator.web import access
from annotator.web.review import bp

LOWEST_SHOWN = 50  # documents listed on the agreement page, lowest agreement first


class AgreementForm(FlaskForm):
    """The agreement convention, read from the query string (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    unit = SelectField("Unit", default="part", choices=[
        SelectChoice("part", "part: spans one by one, an attribution's part as one item "
                             "(default)"),
        SelectChoice("fragment", "fragment: every span is a unit"),
        SelectChoice("whole", "whole: an annotation with all its fragments (a brat T) is a unit"),
    ])
    average = SelectField("Average", default="pooled", choices=[
        SelectChoice("pooled", "pooled: counts summed over pairs and documents (default)"),
        SelectChoice("pairs", "pairs: mean F1 of each pair of coders on each document"),
    ])


@bp.get("/projects/<int:project_id>/agreement")
@login_required
def agreement(project_id: int):
    """Show inter-annotator agreement, with the least agreed documents linked to their review."""
    project = access.get_project_or_404(project_id, "reviewer")
    form = AgreementForm(request.args)
    if not form.validate():
        return render_template("review/agreement.html", project=project, form=form,
                               result=None), 400
    result = project_agreement(project, unit=form.unit.data, average=form.average.data)
    documents = dict(db.session.execute(
        db.select(Document.external_id, Document.id).where(Document.project_id == project.id)
    ).all())
    lowest = [dict(row, document_id=documents.get(row["id"]))
              for row in result["documents"] if row["pairs"]][:LOWEST_SHOWN]
    # agreement_svg escapes every text it writes (names, labels, figures): safe to embed.
    charts = [agreement_svg(result, "labels"), agreement_svg(result, "kappa")]
    return render_template("review/agreement.html", project=project, form=form, result=result,
                           lowest=lowest, charts=charts, text=format_agreement_table(result))


class AssignForm(FlaskForm):
    coders = SelectMultipleField("Coders", validators=[InputRequired()], coerce=str)
    overlap = IntegerField("Coders per document (overlap)", default=2,
                           validators=[InputRequired(), NumberRange(min=1, max=100)])
    seed = IntegerField("Random seed (the same seed gives the same assignment)", default=0,
                        validators=[InputRequired(), NumberRange(min=0, max=2**31 - 1)])
    submit = SubmitField("Assign unassigned documents")

    def validate_overlap(self, field) -> None:
        chosen = len(self.coders.data or [])
        if chosen and field.data is not None and field.data > chosen:
            raise ValidationError(f"An overlap of {field.data} needs at least {field.data} "
                                  f"coders; {chosen} chosen.")


def _coders(project: Project) -> list[tuple[str, int]]:
    """Return the project's coders as (name, documents already assigned)."""
    load = db.select(db.func.count(Assignment.id)).join(
        Document, Document.id == Assignment.document_id).where(
        Assignment.user_id == User.id, Document.project_id == project.id).scalar_subquery()
    return [tuple(row) for row in db.session.execute(
        db.select(User.username, load).join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project.id, Membership.role == "coder")
        .order_by(User.username)
    ).all()]


@bp.route("/projects/<int:project_id>/assign", methods=["GET", "POST"])
@login_required
def assign(project_id: int):
    """Assign every unassigned document to `overlap` of the chosen coders."""
    project = access.get_project_or_404(project_id, "manager")
    coders = _coders(project)
    form = AssignForm()
    form.coders.choices = [(name, f"{name} ({n} assigned)") for name, n in coders]
    if form.validate_on_submit():
        try:
            report = assign_documents(project, form.coders.data, form.overlap.data,
                                      form.seed.data)
        except InputError as error:
            db.session.rollback()
            form.coders.errors.append(error.message)
        else:
            db.session.commit()
            loads = ", ".join(f"{name} {n}" for name, n in report["per_coder"].items())
            kept = (f" {report['kept']} kept by coders who had started them."
                    if report["kept"] else "")
            flash(f"Assigned {report['documents']} documents ({report['assignments']} "
                  f"assignments): {loads}.{kept}", "success")
            return redirect(url_for("review.assign", project_id=project.id))
    return render_template("review/assign.html", project=project, form=form,
                           unassigned=count_unassigned(project), coders=coders)
