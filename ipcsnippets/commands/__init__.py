"""Extra subcommands of ``python -m ipcsnippets``, one module each.

A module here defines ``register(subparsers)``: it adds its parser and sets
``handler=function(args) -> exit status`` with ``parser.set_defaults``. The
CLI finds every module in this package, so adding a command touches no
other file.
"""
