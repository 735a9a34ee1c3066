"""``samspill serve`` (the HTTP API) and ``samspill token add|list|revoke`` (its tokens)."""

from __future__ import annotations

import click

from data.store import StoreError
from data.text import printable


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (127.0.0.1: this machine).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.pass_obj
def serve_command(ctx, host: str, port: int) -> None:
    """Answer the HTTP API (OpenAPI docs at /docs) from one process holding the model and the index.

    \b
    samspill token add radgiver          # a token for an account (shown once)
    samspill serve --port 8000
    SAMSPILL_SERVER=http://127.0.0.1:8000 SAMSPILL_TOKEN=... samspill match "idea"
    """
    import uvicorn

    from api.application import create_app
    from api.logs import log_config
    from api.service import Service

    try:
        service = Service(ctx.settings, store=ctx.store())
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Samspill API on http://{host}:{port} (docs at /docs), database {ctx.db}", err=True)
    uvicorn.run(create_app(service), host=host, port=port, log_level="info", log_config=log_config())


@click.group("token")
def token_group() -> None:
    """API tokens: each acts as one account, with its role (adviser or company) and organisation."""


@token_group.command("add")
@click.argument("username")
@click.option("--label", default="", help="What the token is for (e.g. 'website form').")
@click.pass_obj
def token_add_command(ctx, username: str, label: str) -> None:
    """Make a token for the account USERNAME and print it (once: only its digest is kept)."""
    from data.tokens import create_token

    try:
        token, info = create_token(ctx.store(), username, label=label)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"token {info.token_id} for {info.username} (shown once; keep it secret):", err=True)
    click.echo(token)


@token_group.command("list")
@click.argument("username", required=False)
@click.pass_obj
def token_list_command(ctx, username: str | None) -> None:
    """The tokens (ids, accounts, labels; never the tokens)."""
    from data.tokens import list_tokens

    for info in list_tokens(ctx.store(read_only=True), username):
        state = "revoked" if info.revoked else "active"
        click.echo(f"{info.token_id}  {info.username}  {state}  {info.created_at[:16]}  {printable(info.label)}")


@token_group.command("revoke")
@click.argument("token_id")
@click.pass_obj
def token_revoke_command(ctx, token_id: str) -> None:
    """Stop the token TOKEN_ID from working."""
    from data.tokens import revoke_token

    try:
        info = revoke_token(ctx.store(), token_id)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"revoked token {info.token_id} of {info.username}")


commands = [serve_command, token_group]
