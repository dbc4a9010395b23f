"""One way to run a multi-step flow. Pure module: no Flask, no database.

A :class:`Flow` is its steps in order. Each :class:`Step` says

- what it requires to be complete: ``check(state)`` answers None when it is, else what is
  missing, in Chinese (the review page's list, a refusal);
- whether it can still be changed: ``locked(state)`` answers why not (the swap reason once
  the 承诺书 is signed);
- where it is done: ``endpoint``, the name of its page (a plain string; the web layer,
  ``app/step_pages.py``, turns it into a URL).

The state is whatever snapshot the flow's checks read (``RenewalFacts``, ``PartyProgress``,
``ApplicationFacts``): the area's service builds it from stored rows, so every device agrees
on where a person stands.

Two kinds of flow:

- ordered (the renewal, the swap application): a step opens once every earlier step is
  complete; a person resumes at the first step not complete, and at ``done`` (the page
  after the last step) once all are;
- free order (the application wizard): any step may be opened, the person resumes where
  they were (the step kept on the record), and submitting needs every check to pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

S = TypeVar("S")


def _complete(_state: Any) -> str | None:
    return None


def flag(name: str, missing: str) -> Callable[[Any], str | None]:
    """A check that reads one yes/no fact of the state: complete when it is true."""
    return lambda state: None if getattr(state, name) else missing


@dataclass(frozen=True)
class Step(Generic[S]):
    """One step: its id, its label, what it requires, whether it is locked, its page."""

    id: str
    label: str
    check: Callable[[S], str | None] = _complete
    locked: Callable[[S], str | None] = _complete
    endpoint: str = ""
    # In a free-order flow, the earlier steps this one reads and so needs complete first
    # (in an ordered flow every earlier step is needed).
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """Why a step cannot be opened or changed now, and the step to go to instead."""

    message: str
    go_to: str


@dataclass(frozen=True)
class Flow(Generic[S]):
    """Steps in order, with the page after the last one (``done``) where there is one."""

    name: str
    steps: tuple[Step[S], ...]
    done: Step[S] | None = None
    ordered: bool = True
    # How a step opened too early is refused: {label} is the step to complete first.
    blocked: str = "请先完成“{label}”。"
    _by_id: dict[str, Step[S]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        every = (*self.steps, *((self.done,) if self.done else ()))
        by_id = {step.id: step for step in every}
        if len(by_id) != len(every):
            raise ValueError(f"{self.name}: step ids repeat")
        object.__setattr__(self, "_by_id", by_id)
        for index, step in enumerate(self.steps):
            earlier = {s.id for s in self.steps[:index]}
            if not set(step.needs) <= earlier:
                raise ValueError(f"{self.name}: {step.id} needs a step that is not before it")

    # -- the shape --------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return [step.id for step in self.steps]

    @property
    def total(self) -> int:
        return len(self.steps)

    def step(self, step_id: str) -> Step[S]:
        """The step called ``step_id`` (the steps and ``done``); KeyError for another."""
        return self._by_id[step_id]

    def number(self, step_id: str) -> int:
        """1-based position; ``done`` counts as the last step (第3步，共3步：已提交)."""
        ids = self.ids
        return ids.index(step_id) + 1 if step_id in ids else len(ids)

    def next(self, step_id: str) -> Step[S] | None:
        """The step after ``step_id``; None after the last one."""
        index = self.ids.index(step_id) + 1
        return self.steps[index] if index < len(self.steps) else None

    def previous(self, step_id: str) -> Step[S] | None:
        index = self.ids.index(step_id) - 1
        return self.steps[index] if index >= 0 else None

    def after(self, step_id: str) -> Step[S]:
        """下一步: the next step, else ``done``, else the step itself (the last page)."""
        return self.next(step_id) or self.done or self.step(step_id)

    def furthest(self, current: str, candidate: str) -> str:
        """The later of two steps, so going back to edit does not lose progress."""
        ids = self.ids
        return candidate if ids.index(candidate) > ids.index(current) else current

    # -- a person's state ---------------------------------------------------------------

    def complete(self, state: S, step_id: str) -> bool:
        return self.step(step_id).check(state) is None

    def missing(self, state: S) -> list[tuple[Step[S], str]]:
        """Every step not complete, with what it still needs, in the flow's order."""
        found = []
        for step in self.steps:
            problem = step.check(state)
            if problem is not None:
                found.append((step, problem))
        return found

    def first_incomplete(self, state: S) -> Step[S] | None:
        return next((step for step in self.steps if step.check(state) is not None), None)

    def finished(self, state: S) -> bool:
        return self.first_incomplete(state) is None

    def resume(self, state: S, kept: str | None = None) -> Step[S]:
        """Where the person picks up: in a free-order flow the step ``kept`` on the record;
        else the first step not complete, and ``done`` (else the last step) once all are."""
        if not self.ordered and kept is not None and kept in self.ids:
            return self.step(kept)
        found = self.first_incomplete(state)
        if found is not None:
            return found
        return self.done or self.steps[-1]

    def waiting(self, state: S, step_id: str) -> tuple[Step[S], str] | None:
        """The first step ``step_id`` needs that is not complete, with what it still needs;
        None when nothing is waiting. ``done`` needs every step."""
        if step_id not in self.ids:
            needed = self.steps
        elif self.ordered:
            needed = self.steps[: self.number(step_id) - 1]
        else:
            needed = tuple(self.step(i) for i in self.step(step_id).needs)
        for step in needed:
            problem = step.check(state)
            if problem is not None:
                return step, problem
        return None

    def refusal(self, state: S, step_id: str) -> Refusal | None:
        """Why ``step_id`` cannot be opened or changed now (locked, or a step it needs is
        not complete: the flow's ``blocked`` wording); None when it can."""
        if step_id in self.ids:
            locked = self.step(step_id).locked(state)
            if locked:
                return Refusal(locked, step_id)
        found = self.waiting(state, step_id)
        if found is None:
            return None
        step, _problem = found
        return Refusal(self.blocked.format(label=step.label), step.id)
