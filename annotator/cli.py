"""The `annotator` command line: thin commands that call services and commit once."""

import functools
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from annotator.agreement import AVERAGES, UNITS
from annotator.cli_accounts import register as register_account_commands
from annotator.database import reading, writing
from annotator.errors import AnnotatorError
from annotator.extensions import db
from annotator.formats.offsets_units import UNITS as OFFSET_UNITS
from annotator.formats.registry import EXPORTERS, import_choices


def _create_app():
    from annotator import create_app

    return create_app()


class _Group(FlaskGroup):
    """The command group; every failure of a command ends in one line on stderr (SPEC)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if os.environ.get("ANNOTATOR_TRACEBACK"):
                raise
            raise click.ClickException(_one_line(error)) from None


def _one_line(error: Exception) -> str:
    """Say what went wrong in one line: a file the system refused, the database, or a bug."""
    from sqlalchemy.exc import DBAPIError, SQLAlchemyError

    if isinstance(error, OSError) and error.filename is not None:
        text = f"{error.filename}: {error.strerror or error}"
    elif isinstance(error, DBAPIError):
        text = f"database error: {error.orig}"
    elif isinstance(error, SQLAlchemyError):
        text = f"database error: {error}"
    elif isinstance(error, OSError):
        text = str(error)
    else:
        text = (f"unexpected error ({type(error).__name__}: {error}); "
                "set ANNOTATOR_TRACEBACK=1 to see where")
    return " ".join(text.split())


@click.group(cls=_Group, create_app=_create_app, add_default_commands=False,
             add_version_option=False, load_dotenv=False)
@click.option("--db", "database_url", metavar="URL",
              help="SQLAlchemy database URL (default: ANNOTATOR_DATABASE_URL, else SQLite in "
                   "the instance folder).")
def main(database_url: str | None) -> None:
    """Annotate news text: actors, events and source attribution."""
    if database_url:
        # Read by create_app, which FlaskGroup calls lazily for the subcommand.
        os.environ["ANNOTATOR_DATABASE_URL"] = database_url


def transactional(command=None, *, readonly: bool = False):
    """Run a command in an app context as one write phase (committed on success, rolled
    back and reported on error), or with `readonly` as one read phase.

    A read-only command takes no lock on SQLite, so that a long export or agreement run never
    holds the write lock that coders' saves need (database.reading).
    """
    if command is None:
        return functools.partial(transactional, readonly=readonly)

    @functools.wraps(command)
    @with_appcontext
    def wrapper(*args, **kwargs):
        try:
            with reading() if readonly else writing():
                return command(*args, **kwargs)
        except AnnotatorError as error:
            raise click.ClickException(error.message) from None

    return wrapper


@main.command("init-db")
@transactional
def init_db() -> None:
    """Create the database schema, or upgrade it to this version."""
    from annotator.services.schema import upgrade_schema

    click.echo(upgrade_schema())


@main.command("create-user")
@click.argument("name")
@click.option("--admin", is_flag=True, help="Make the user a site administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@transactional
def create_user_command(name: str, admin: bool, password_stdin: bool) -> None:
    """Create a user account."""
    from annotator.services.accounts import create_account

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = create_account(None, name, password, admin=admin)
    click.echo(f"created user {user.username}" + (" (admin)" if admin else ""))


@main.command("create-project")
@click.argument("name")
@click.option("--codebook", "codebook_path", metavar="FILE|NAME",
              help="A YAML or JSON codebook file, a brat annotation.conf, or a built-in one by "
                   "name: default, polnear.")
@transactional
def create_project_command(name: str, codebook_path: str | None) -> None:
    """Create a project with the default codebook or the one given."""
    from annotator.codebook import BUILT_IN, built_in_codebook, load_codebook
    from annotator.services.projects import create_project

    if codebook_path in BUILT_IN:
        codebook = built_in_codebook(codebook_path)
    elif codebook_path:
        codebook = load_codebook(Path(codebook_path))
    else:
        codebook = None
    project = create_project(name, codebook)
    click.echo(f"created project {project.name} (id {project.id})")


@main.command("add-member")
@click.argument("project_name")
@click.argument("user_name")
@click.option("--role", required=True, type=click.Choice(["coder", "reviewer", "manager"]))
@transactional
def add_member_command(project_name: str, user_name: str, role: str) -> None:
    """Give a user a role in a project."""
    from annotator.services.accounts import set_member_role
    from annotator.services.projects import find_project, find_user

    set_member_role(None, find_project(project_name), find_user(user_name), role)
    click.echo(f"{user_name} is now {role} in {project_name}")


register_account_commands(main, transactional)  # accounts and tokens: cli_accounts.py


@main.command("assign")
@click.argument("project_name")
@click.option("--coders", required=True, help="Comma-separated user names.")
@click.option("--overlap", default=1, show_default=True, help="Coders per document.")
@click.option("--seed", default=0, show_default=True, help="Seed for a reproducible plan.")
@transactional
def assign_command(project_name: str, coders: str, overlap: int, seed: int) -> None:
    """Assign every unassigned document to K of the coders, balanced and reproducible."""
    from annotator.services.assigning import assign_documents
    from annotator.services.projects import find_project

    names = [name.strip() for name in coders.split(",") if name.strip()]
    report = assign_documents(find_project(project_name), names, overlap, seed)
    loads = ", ".join(f"{name} {count}" for name, count in report["per_coder"].items())
    kept = (f"; {report['kept']} kept by coders who had started them" if report.get("kept")
            else "")
    click.echo(f"assigned {report['documents']} documents ({report['assignments']} "
               f"assignments): {loads}{kept}")


@main.command("import")
@click.argument("project_name")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(import_choices()),
    help="Input format (default: guessed from the file extension).")
@click.option("--offsets", type=click.Choice(OFFSET_UNITS),
              help="Unit the file's offsets count (doccano: default utf16, as doccano's "
                   "browser; label-studio: default codepoints, UTF-16 recognised by a "
                   "region's text; graphemes for a doccano project that counts them).")
@click.option("--layer", "layer", metavar="NAME",
              help="Layer for annotations that name no annotator (doccano lines, Label "
                   "Studio predictions and annotations without completed_by; default gold); "
                   "for conll, spacy, jsonl-export and hf, the layer of everything read.")
@click.option("--create-coders", is_flag=True,
              help="Make a new inactive coder account for each layer naming no account yet "
                   "(otherwise a layer must name a member of the project).")
@transactional
def import_command(project_name: str, files: tuple[Path, ...], fmt: str | None,
                   offsets: str | None, layer: str | None, create_coders: bool) -> None:
    """Import articles, or annotated documents; all or nothing."""
    from annotator.services.intake import prepare_import
    from annotator.services.projects import find_project

    # Reading and checking the files only reads the database: on SQLite, coders' saves must
    # not wait for the write lock meanwhile. It is taken (BEGIN IMMEDIATE) only to store.
    with reading():
        prepared = prepare_import(find_project(project_name), list(files), fmt,
                                  {"offsets": offsets, "layer": layer})
    with prepared:
        project = find_project(project_name)
        with _progress_bar("importing", "paragraphs") as progress:
            report = prepared.store(project, progress=progress,
                                    create_coders=create_coders)
    click.echo(", ".join(f"{value} {key}" for key, value in report.items()
                         if isinstance(value, int)) + " imported")
    if report.get("created_users"):
        click.echo("created inactive accounts for imported coders: "
                   + ", ".join(report["created_users"]))


@main.command("export")
@click.argument("project_name")
@click.option("--format", "fmt", required=True, type=click.Choice(list(EXPORTERS)))
@click.option("--layer", default=None,
              help="gold, all (every layer), coders, or a coder's user name "
                   "(default: everything for native, gold for the other formats).")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Output file or folder (native: default standard output).")
@click.option("--include-boilerplate", is_flag=True, help="Keep boilerplate paragraphs.")
@click.option("--split", default=None, help="Train/dev/test percentages, e.g. 80/10/10.")
@click.option("--seed", default=0, show_default=True, help="Seed for the split.")
@transactional(readonly=True)
def export_command(project_name, fmt, layer, out, include_boilerplate, split, seed) -> None:
    """Export a project's annotations."""
    from annotator.services.exporting import export_project
    from annotator.services.projects import find_project

    report = export_project(
        find_project(project_name), fmt, layer=layer, out=out,
        include_boilerplate=include_boilerplate, split=split, seed=seed,
    )
    summary = ", ".join(f"{value} {key}" for key, value in report.items()
                        if isinstance(value, int))
    click.echo(f"exported {summary}" + (f" to {out}" if out else ""), err=out is None)


@main.command("agreement")
@click.argument("project_name")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--unit", type=click.Choice(UNITS), default="part", show_default=True,
              help="What one item is: part (spans one by one, an attribution's part as one "
                   "item), fragment (every span), whole (an annotation with all its fragments).")
@click.option("--average", type=click.Choice(AVERAGES), default="pooled", show_default=True,
              help="pooled: counts summed over pairs and documents; pairs: mean of the F1 of "
                   "each pair of coders on each document (docs/agreement.md).")
@transactional(readonly=True)
def agreement_command(project_name: str, as_json: bool, unit: str, average: str) -> None:
    """Print inter-annotator agreement."""
    import json

    from annotator.services.agreeing import project_agreement
    from annotator.services.projects import find_project

    result = project_agreement(find_project(project_name), unit=unit, average=average)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        from annotator.agreement import format_agreement_table

        click.echo(format_agreement_table(result))


@main.command("suggest")
@click.argument("project_name")
@click.option("--no-spacy", is_flag=True, help="Do not use an installed spaCy pipeline.")
@click.option("--spacy-model", default=None, help="Name of an installed spaCy pipeline.")
@transactional(readonly=True)
def suggest_command(project_name: str, no_spacy: bool, spacy_model: str | None) -> None:
    """Compute suggestions (actors, cues, quotations) for every document of a project."""
    from annotator.services.projects import find_project
    from annotator.services.suggestions import suggest_project

    # Suggesting only reads; each document's suggestions are then stored in a short write of
    # their own, so that coders' saves never wait for the whole run (SQLite's write lock).
    report = suggest_project(find_project(project_name), use_spacy=not no_spacy,
                             spacy_model=spacy_model, store=_store_suggestions_now)
    kinds = ", ".join(f"{n} {kind}" for kind, n in report["suggestions"].items())
    click.echo(f"suggestions for {report['documents']} documents: {kinds or 'none'}")
    if report.get("spacy_reason"):
        click.echo(f"spaCy: {report['spacy_reason']}")


def _store_suggestions_now(document_id: int, suggestions: list[dict]) -> None:
    from annotator.models import Document
    from annotator.services.suggestions import store_suggestions

    with writing():  # ends the command's reading transaction; then it reads on
        store_suggestions(db.session.get(Document, document_id), suggestions)


@main.command("score-suggestions")
@click.argument("project_name")
@click.option("--layer", default="gold", show_default=True,
              help="Score against gold, coders, or one coder's layer.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@transactional(readonly=True)
def score_suggestions_command(project_name: str, layer: str, as_json: bool) -> None:
    """Score suggestions against a layer: precision, recall and F1 per kind."""
    import json

    from annotator.services.projects import find_project
    from annotator.services.suggestions import score_project
    from annotator.suggest.scoring import format_figures, format_header

    result = score_project(find_project(project_name), layer=layer)
    if as_json:
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    click.echo(format_header())
    kinds = result["mean"] if "mean" in result else result["kinds"]
    for line in format_figures(kinds):
        click.echo(line)


@main.command("suggestion-stats")
@click.argument("project_name")
@transactional(readonly=True)
def suggestion_stats_command(project_name: str) -> None:
    """Print how often coders accepted suggestions, per suggestion source and kind."""
    from annotator.services.projects import find_project
    from annotator.services.suggestions.review import stats_lines, suggestion_stats

    for line in stats_lines(suggestion_stats(find_project(project_name))):
        click.echo(line)


@main.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@transactional(readonly=True)
def backup_command(path: Path) -> None:
    """Copy the database to PATH (SQLite online backup; PostgreSQL: prints the pg_dump call)."""
    from annotator.services.maintenance import backup_database

    click.echo(backup_database(path))


@main.command("check")
@transactional(readonly=True)
def check_command() -> None:
    """Verify the database: integrity, offsets inside paragraphs, span texts, references."""
    from annotator.services.maintenance import check_database, count_rows

    problems = check_database()
    counts = ", ".join(f"{value} {key}" for key, value in count_rows().items())
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(problems)} problem(s) found ({counts})")
    click.echo(f"no problems found ({counts})")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Serve the app on the configured database (use gunicorn for teams; see README)."""
    # werkzeug needs the app itself: the current_app proxy only resolves inside this context.
    _serve(current_app._get_current_object(), host, port)


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo_command(host: str, port: int) -> None:
    """Create (once) a demo project with a sample article and demo users, then serve it."""
    from annotator import create_app
    from annotator.demo import DEMO_USERS, ensure_demo

    config = {}
    if not os.environ.get("ANNOTATOR_DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///demo.sqlite"
    app = create_app(config)
    with app.app_context():
        try:
            with writing():
                created = ensure_demo()
        except AnnotatorError as error:
            raise click.ClickException(error.message) from None
        click.echo(("Created" if created else "Reusing") + " the demo database: "
                   + db.engine.url.render_as_string(hide_password=True))
    click.echo("Demo logins (user / password / role):")
    for name, password, role in DEMO_USERS:
        click.echo(f"  {name:<10} {password:<16} {role}")
    click.echo(f"Open http://{host}:{port}/ in a browser; Ctrl+C stops the server.")
    _serve(app, host, port)


def _serve(app, host: str, port: int) -> None:
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


class _progress_bar:
    """A progress bar on a terminal, silent otherwise; yields a callable(count)."""

    def __init__(self, label: str, unit: str):
        self.label, self.unit, self.bar = label, unit, None

    def __enter__(self):
        if not sys.stderr.isatty():
            return None
        self.bar = click.progressbar(length=None, label=self.label, file=sys.stderr,
                                     show_pos=True, item_show_func=lambda _: self.unit)
        self.bar.__enter__()
        return self.bar.update

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False
