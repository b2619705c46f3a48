"""Why a workload cannot run, as text and as structure (s26-contract).

A model says why a workload has no figures with a sentence and its numbers ("`ep` = 2 asks for expert parallelism,
but the model has no experts ..."); the `infeasible-workload` error stands at the field whose value makes it so.
Until session 26 `evaluate.infeasible_check` found that field by reading the sentence (a regex on "`ep` = " and
"no parallel layout exists with tp = "), so rewording a reason moved its error to the workload's name. A `Reason`
is the sentence (a `str`: every reader of a reason's text is unchanged) carrying what it is about: the workload's
`field`, its `value` and the `limit` it breaks (SI, or None where no one number is the limit), set where the
reason is produced; the check reads `field` and never the words."""
from __future__ import annotations

from typing import Optional


class Reason(str):
    """A reason's text with its field, value and limit (`field` None: about no one field of the workload)."""

    field: Optional[str]
    value: Optional[float]
    limit: Optional[float]

    def __new__(cls, text: str, field: Optional[str] = None, value: Optional[float] = None,
                limit: Optional[float] = None) -> "Reason":
        self = super().__new__(cls, text)
        self.field, self.value, self.limit = field, value, limit
        return self

    def __reduce__(self):          # pickled (a memo, a worker process) with its structure
        return (Reason, (str(self), self.field, self.value, self.limit))

    def structure(self) -> dict:
        return {"field": self.field, "value": self.value, "limit": self.limit}


def reworded(reason: str, text: str) -> str:
    """`text` in place of `reason`'s words (a sentence added to it), keeping what `reason` is about."""
    return Reason(text, **reason.structure()) if isinstance(reason, Reason) else text


def about(reasons) -> Optional[Reason]:
    """The first of `reasons` (one text, or several: the failing scenarios' own) that names a field, else None."""
    for reason in ([reasons] if isinstance(reasons, str) else reasons):
        if isinstance(reason, Reason) and reason.field:
            return reason
    return None
