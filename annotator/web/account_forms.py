"""HTML forms of the account pages and of the project page's member list (Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import AnyOf, EqualTo, InputRequired, Length, ValidationError

from annotator.models.projects import ROLES
from annotator.services.accounts import MAX_PASSWORD, MAX_TOKEN_NAME, MIN_PASSWORD


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _storable(_form, field) -> None:
    """Refuse NUL and lone surrogates, which PostgreSQL cannot even compare against."""
    if any(c == "\x00" or 0xD800 <= ord(c) <= 0xDFFF for c in field.data or ""):
        raise ValidationError("Invalid characters.")


def _new_password(label: str = "New password") -> PasswordField:
    return PasswordField(label, validators=[InputRequired(), _storable,
                                            Length(min=MIN_PASSWORD, max=MAX_PASSWORD)],
                         render_kw={"autocomplete": "new-password"})


def _confirm() -> PasswordField:
    return PasswordField("Repeat the new password", validators=[
        InputRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})


def _username() -> StringField:
    return StringField("User name", filters=[_strip],
                       validators=[InputRequired(), Length(max=80), _storable])


class OwnPasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired(),
                                                            Length(max=MAX_PASSWORD)],
                            render_kw={"autocomplete": "current-password"})
    password = _new_password()
    confirm = _confirm()
    submit = SubmitField("Change password")


class ResetPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _confirm()
    submit = SubmitField("Set password")


class NewTokenForm(FlaskForm):
    name = StringField("What the token is for", filters=[_strip], default="script",
                       validators=[InputRequired(), Length(max=MAX_TOKEN_NAME), _storable])
    submit = SubmitField("Issue a token")


class RevokeTokenForm(FlaskForm):
    token = HiddenField(validators=[InputRequired(), Length(max=18)])
    submit = SubmitField("Revoke")


class ActiveForm(FlaskForm):
    """Deactivate ("no") or activate ("yes") an account."""

    active = HiddenField(validators=[InputRequired(), AnyOf(["yes", "no"])])


class NewAccountForm(FlaskForm):
    username = _username()
    password = _new_password("Password")
    confirm = PasswordField("Repeat the password", validators=[
        InputRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"})
    admin = BooleanField("Site admin")
    submit = SubmitField("Create account")


class AddMemberForm(FlaskForm):
    username = _username()
    role = SelectField("Role", choices=list(ROLES), default="coder")
    submit = SubmitField("Add member")


class MemberRoleForm(FlaskForm):
    username = HiddenField(validators=[InputRequired(), Length(max=80), _storable])
    role = SelectField("Role", choices=list(ROLES))
    submit = SubmitField("Change role")


class RemoveMemberForm(FlaskForm):
    username = HiddenField(validators=[InputRequired(), Length(max=80), _storable])
    submit = SubmitField("Remove")
