"""The commands behind `sc-cancel`, one module per group: each command is an options function and a
handler that takes the `Invocation` (command line and resolved settings) and returns an exit code.

`automation.cli` lists them in one table. Errors propagate to `cli.main`, which maps them to exit codes.
"""
