"""What a command says about bad input, shared by the command line (monitor.cli) and the commands it runs
from other modules (monitor.live.command): the error and its exit code."""

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input from the user; the message is shown as it is."""
