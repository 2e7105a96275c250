"""CLI commands: one module per command (HELP, add_arguments, run)."""
