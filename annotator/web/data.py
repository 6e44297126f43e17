"""Import and export pages for managers: uploads into a project, downloads out of it.

An import is all or nothing (services/intake): a file with any bad line is refused whole and
every problem is listed by file and line. Uploads live in a temporary folder only for the
request (web/uploads.py); downloads are built by web/downloads.py.
"""

import tempfile
from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from annotator.database import use_reading_phase, writing
from annotator.errors import AnnotatorError
from annotator.extensions import db
from annotator.formats.registry import ARTICLE_FORMATS, EXPORTERS, IMPORTERS, web_choices
from annotator.models import Project
from annotator.services.exporting import coder_layer_names
from annotator.services.intake import prepare_import
from annotator.web import access
from annotator.web.downloads import export_response
from annotator.web.uploads import problems, save_uploads

bp = Blueprint("data", __name__)

IMPORT_FORMATS = [("", "Tell from each file's extension (.jsonl, .csv, .txt)"),
                  *ARTICLE_FORMATS.items(), *web_choices(IMPORTERS)]
OFFSETS = [
    ("", "The format's default (doccano: UTF-16 units; Label Studio: code points)"),
    ("utf16", "UTF-16 code units (doccano's and older Label Studio's browsers)"),
    ("codepoints", "Unicode code points (Python tools, current Label Studio)"),
    ("graphemes", "Grapheme clusters (a doccano project set to count them)"),
]
EXPORT_FORMATS = web_choices(EXPORTERS)
KEYWORDS = [("", "Default: every layer for native, gold for the others"), ("gold", "Gold"),
            ("all", "Every layer"), ("coders", "Every coder's layer")]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ImportForm(FlaskForm):
    files = MultipleFileField("Files", validators=[FileRequired("Choose at least one file.")])
    format = SelectField("Format", default="")
    offsets = SelectField("Offsets count (doccano and Label Studio files)", default="")
    layer = StringField("Layer for annotations that name no annotator (default gold)",
                        filters=[_strip], validators=[Optional(), Length(max=80)])
    create_coders = BooleanField("Create a new inactive coder account for each layer that "
                                 "names no member (annotated files)")
    submit = SubmitField("Import")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Set here rather than in the field: WTForms 3.3 warns about tuples given there.
        self.format.choices = IMPORT_FORMATS
        self.offsets.choices = OFFSETS


class ExportForm(FlaskForm):
    format = SelectField("Format", default="native")
    layer = SelectField("Layer", default="")
    include_boilerplate = BooleanField("Include boilerplate paragraphs (native always does)")
    split = StringField("Train/dev/test split in percent, e.g. 80/10/10 (optional)",
                        filters=[_strip], validators=[Optional(), Regexp(
                            r"^\d{1,3}/\d{1,3}/\d{1,3}$", message="Write three whole "
                            "percentages separated by slashes, e.g. 80/10/10.")])
    seed = IntegerField("Seed for the split", default=0,
                        validators=[Optional(), NumberRange(min=0, max=2**31 - 1)])
    submit = SubmitField("Download")

    def __init__(self, project: Project, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.format.choices = EXPORT_FORMATS
        self.layer.choices = _layer_choices(project)


def _layer_choices(project: Project) -> list[tuple[str, str]]:
    # The same names the command line's --layer accepts.
    return KEYWORDS + [(name, f"{name}'s layer") for name in coder_layer_names(project)]


@bp.route("/projects/<int:project_id>/import", methods=["GET", "POST"])
@login_required
def import_page(project_id: int):
    """Import article or annotated files into the project, all or nothing."""
    project = access.get_project_or_404(project_id, "manager")
    form = ImportForm()
    found: list[dict] = []
    if form.validate_on_submit():
        # Saving and checking the files only reads the database: leave SQLite's write lock to
        # the coders' saves meanwhile, and take it (BEGIN IMMEDIATE) only to store.
        use_reading_phase()
        project = access.get_project_or_404(project_id, "manager")
        with tempfile.TemporaryDirectory(prefix="annotator-upload-") as folder:
            shown: dict[str, str] = {}
            try:
                paths, shown = save_uploads(form.files.data, Path(folder), form.format.data)
                options = {"offsets": form.offsets.data or None,
                           "layer": form.layer.data or None}
                with prepare_import(project, paths, form.format.data or None,
                                    options) as prepared, writing():
                    project = access.get_project_or_404(project_id, "manager")
                    report = prepared.store(project, actor=current_user,
                                            create_coders=form.create_coders.data)
            except AnnotatorError as error:
                found = problems(error, shown)
            else:
                counts = ", ".join(f"{value} {key}" for key, value in report.items()
                                   if isinstance(value, int))
                created = report.get("created_users")
                flash(f"Imported {counts}." + (
                    " Created inactive coder accounts: " + ", ".join(created) + "."
                    if created else ""), "success")
                return redirect(url_for("projects.project", project_id=project.id))
    return render_template("data/import.html", project=project, form=form, problems=found), (
        422 if found else 200)


@bp.route("/projects/<int:project_id>/export", methods=["GET", "POST"])
@login_required
def export_page(project_id: int):
    """Download the project's annotations in any export format."""
    project = access.get_project_or_404(project_id, "manager")
    form = ExportForm(project)
    problem = None
    if form.validate_on_submit():
        # An export only reads: give SQLite's write lock back to the coders while it runs (and
        # while the download streams, after this returns).
        use_reading_phase()
        project = access.get_project_or_404(project_id, "manager")
        try:
            return export_response(project, form.format.data, form.layer.data or None,
                                   form.include_boilerplate.data, form.split.data or None,
                                   form.seed.data or 0)
        except AnnotatorError as error:
            db.session.rollback()
            problem = error.message
    return render_template("data/export.html", project=project, form=form,
                           problem=problem), 422 if problem else 200
