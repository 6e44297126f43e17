"""The account commands of `annotator`: activation, passwords, API tokens, project members.

The command line is the operator's, who holds the database: it may manage every account, and
its audit entries say "command line" instead of naming a user.
"""

import sys

import click


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "never"


def register(main: click.Group, transactional) -> None:
    """Add the account commands to the `annotator` group (`transactional` is cli.py's)."""

    @main.command("deactivate-user")
    @click.argument("name")
    @transactional
    def deactivate_user_command(name: str) -> None:
        """Deactivate an account: its sessions and API tokens are refused from now on."""
        from annotator.services import accounts
        from annotator.services.projects import find_user

        accounts.deactivate(None, find_user(name))
        click.echo(f"deactivated {name}: signed out everywhere, its API tokens revoked")

    @main.command("activate-user")
    @click.argument("name")
    @transactional
    def activate_user_command(name: str) -> None:
        """Activate an account (a deactivated one, or one an import created)."""
        from annotator.services import accounts
        from annotator.services.projects import find_user

        accounts.activate(None, find_user(name))
        click.echo(f"activated {name}")

    @main.command("set-password")
    @click.argument("name")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    @transactional
    def set_password_command(name: str, password_stdin: bool) -> None:
        """Set or reset an account's password; it is signed out everywhere."""
        from annotator.services import accounts
        from annotator.services.projects import find_user

        user = find_user(name)
        accounts.set_password(None, user, _read_password(password_stdin))
        click.echo(f"set the password of {name} (signed out everywhere, its API tokens revoked)")

    @main.command("create-token")
    @click.argument("user_name")
    @click.option("--name", "token_name", default="token", show_default=True,
                  help="What the token is for, shown in list-tokens.")
    @transactional
    def create_token_command(user_name: str, token_name: str) -> None:
        """Issue an API token for a user and print it once (only its hash is stored)."""
        from annotator.services import accounts
        from annotator.services.projects import find_user

        token, secret = accounts.issue_token(None, find_user(user_name), token_name)
        click.echo(f"token {token.id} \u201c{token.name}\u201d for {user_name}; it is shown only "
                   "this once:", err=True)
        click.echo(secret)  # alone on standard output, for TOKEN=$(annotator create-token ...)

    @main.command("list-tokens")
    @click.argument("user_name", required=False)
    @transactional(readonly=True)
    def list_tokens_command(user_name: str | None) -> None:
        """List API tokens (a user's, or everybody's): id, user, name, created, last used."""
        from annotator.services import accounts
        from annotator.services.projects import find_user

        tokens = accounts.tokens_of(find_user(user_name) if user_name else None)
        if not tokens:
            click.echo("no tokens", err=True)
            return
        click.echo(f"{'id':>5}  {'user':<20} {'name':<24} {'created':<16}  "
                   f"{'last used':<16}  state")
        for token in tokens:
            state = f"revoked {_when(token.revoked_at)}" if token.revoked else (
                "active" if token.user.active else "user deactivated")
            click.echo(f"{token.id:>5}  {token.user.username:<20} {token.name:<24} "
                       f"{_when(token.created_at):<16}  {_when(token.last_used_at):<16}  {state}")

    @main.command("revoke-token")
    @click.argument("token_id")
    @transactional
    def revoke_token_command(token_id: str) -> None:
        """Revoke an API token by its id (see list-tokens); the next request with it is refused."""
        from annotator.services import accounts

        token = accounts.find_token(token_id)
        accounts.revoke_token(None, token)
        click.echo(f"revoked token {token.id} \u201c{token.name}\u201d of {token.user.username}")

    @main.command("remove-member")
    @click.argument("project_name")
    @click.argument("user_name")
    @transactional
    def remove_member_command(project_name: str, user_name: str) -> None:
        """Remove a user from a project; their annotations stay."""
        from annotator.services import accounts
        from annotator.services.projects import find_project, find_user

        accounts.remove_member(None, find_project(project_name), find_user(user_name))
        click.echo(f"{user_name} is no longer a member of {project_name}")
