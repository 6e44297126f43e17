"""HTML forms of the auth and project pages (Flask-WTF: every form carries the CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _storable(_form, field) -> None:
    """Refuse NUL and lone surrogates, which PostgreSQL cannot even compare against."""
    if any(c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF for c in field.data or ""):
        raise ValidationError("Invalid characters.")


class LoginForm(FlaskForm):
    username = StringField("Username", filters=[_strip],
                           validators=[InputRequired(), Length(max=80), _storable],
                           render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField("Password", validators=[InputRequired(), Length(max=1024)],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    """Sign-out is a POST with the CSRF token, so no other site can sign a user out."""

    submit = SubmitField("Sign out")
