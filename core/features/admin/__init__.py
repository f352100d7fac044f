"""Moderator tools: one `/admin <subcommand>` command, mirrored by `dojo admin` at the shell."""
