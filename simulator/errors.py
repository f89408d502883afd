"""One exception root for everything the simulator reports to a user.

The CLI turns any :class:`LoyaltySimError` into one line on stderr and exit code 2
(after vivarium's ``exceptions.py``: one root, a subclass per subsystem).
"""

from __future__ import annotations


class LoyaltySimError(Exception):
    """Root of every error the user can cause and fix."""


class ScenarioError(LoyaltySimError):
    """A scenario file or mapping is malformed or holds an impossible value.

    Parameters
    ----------
    message
        What was expected, stated with the value that broke the rule.
    source
        The file (or ``"<mapping>"``) the scenario came from.
    path
        The key path inside the scenario, e.g. ``"market -> segments -> 1 -> share"``.
    """

    def __init__(self, message: str, *, source: str = "<mapping>", path: str = "") -> None:
        self.message = message
        self.source = source
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.source}: {self.path}: " if self.path else f"{self.source}: "
        return where + self.message


class RunError(LoyaltySimError):
    """A run failed; carries the scenario, strategy and seed so it can be replayed."""

    def __init__(self, message: str, *, scenario: str, strategy: str, seed: int) -> None:
        self.scenario = scenario
        self.strategy = strategy
        self.seed = seed
        super().__init__(f"run {scenario} / strategy {strategy!r} / seed {seed}: {message}")


class OutputError(LoyaltySimError):
    """Results could not be written (existing run directory, unwritable folder...)."""


class ReportError(LoyaltySimError):
    """A report cannot be produced from the given input (e.g. not a run directory)."""


class UsageError(LoyaltySimError):
    """A command-line option is out of range or cannot work on this machine (a seed
    beyond 2**63 - 1, more jobs than CPUs, more memory than there is)."""


class LogError(LoyaltySimError):
    """A transaction log cannot be calibrated on (missing column, a non-date, a negative
    amount, duplicate rows, personal data...); names the file and the column.

    Parameters
    ----------
    message
        What was expected, stated with the value that broke the rule.
    source
        The log file.
    column
        The column concerned, if one is.
    """

    def __init__(self, message: str, *, source: str, column: str = "") -> None:
        self.message = message
        self.source = source
        self.column = column
        where = f"{source}: column '{column}': " if column else f"{source}: "
        super().__init__(where + message)
