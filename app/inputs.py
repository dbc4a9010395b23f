"""What a request carries, read safely: the app's request class (no control
characters in query strings and forms), its path converters (bounded ASCII ids, no
control characters), the base of every form (text from text, files from files), and
numbers from query parameters, id lists and WTForms fields.

Numbers read through ``app.core.numbers``, so an address or a form field refuses
``²``, ``1e309`` or forty digits with a Chinese message instead of a 500.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flask import has_request_context, request
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, UnicodeConverter
from werkzeug.utils import cached_property
from wtforms import FileField, IntegerField, SelectMultipleField, StringField
from wtforms.fields import choices as wtforms_choices

# SelectChoice (a choice with its label) is WTForms 3.3; types-WTForms, newest 3.2, lacks it.
from app.core.numbers import LIMIT, MAX_ID, NumberError, int_or_none, parse_int

MAX_PAGE = 100_000


# C0 control characters but tab, newline and carriage return; DEL; the C1 controls.
# Nobody types them; PostgreSQL refuses NUL in text outright (a 500), and the others
# hide in names and notes that staff read.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)])


def without_controls(text: str) -> str:
    return text.translate(_CONTROL)


def _cleaned(data: Any, storage_class: type) -> Any:
    return storage_class(
        (without_controls(key), without_controls(value)) for key, value in data.items(multi=True)
    )


if TYPE_CHECKING:
    from flask import Request as _RequestBase  # what the mixin is mixed into
else:
    _RequestBase = object


class CleanTextRequest(_RequestBase):
    """A mixin for the app's request class: the query string and the form, as every view
    and form sees them, have control characters removed (what was typed is otherwise
    kept, so nothing is lost to a stray one pasted in)."""

    @cached_property
    def args(self) -> Any:
        return _cleaned(super().args, self.parameter_storage_class)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"], self.parameter_storage_class)


class TextConverter(UnicodeConverter):
    """The default ``<name>`` path converter, without control characters: ``%00`` in a
    token reached a PostgreSQL query (a 500); now such an address matches no route."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f-\\x9f]")


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: 1 to 10 ASCII digits up to ``MAX_ID``. Werkzeug's own
    matches any Unicode digit and has no upper bound, so ``/x/99999999999999999999``
    reached the database and overflowed it; now it is a 404 like any unknown id."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class InvalidParameter(BadRequest):
    """A query parameter that is not what the page accepts; shown as a Chinese 400 page."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.message = message


def arg_int(
    name: str,
    default: int | None = None,
    *,
    minimum: int = 1,
    maximum: int = MAX_ID,
    label: str = "参数",
    args: Mapping[str, str] | None = None,
) -> int | None:
    """``args[name]`` (``request.args`` by default) as a bounded whole number; ``default``
    when absent or empty. Anything else is refused with ``InvalidParameter``."""
    raw = (request.args if args is None else args).get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return parse_int(raw, minimum=minimum, maximum=maximum, label=label)
    except NumberError as error:
        raise InvalidParameter(f"网址中的{error.message}。请返回上一页重新选择。") from None


def arg_page(args: Mapping[str, str] | None = None) -> int:
    """The page number of a paged list. A page number is navigation, not input: one that
    is not a whole number (an edited link) shows the first page, a huge one the last
    page there could be; past the real end is the caller's to clamp."""
    raw = (request.args if args is None else args).get("page")
    number = int_or_none(raw, minimum=-LIMIT, maximum=LIMIT)
    if number is None or number < 1:
        return 1
    return min(number, MAX_PAGE)


def coerce_id(value: Any) -> int:
    """A WTForms ``coerce`` for ids: ASCII digits, 1 to ``MAX_ID``; raises ``ValueError``."""
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= MAX_ID:
            return value
        raise ValueError("id out of range")
    return parse_int(value, minimum=1, maximum=MAX_ID, label="选项")


def ids(values: Iterable[str]) -> list[int]:
    """The valid ids among ticked checkboxes, in order, without repeats; others dropped."""
    seen: dict[int, None] = {}
    for value in values:
        number = int_or_none(value, minimum=1, maximum=MAX_ID)
        if number is not None:
            seen.setdefault(number, None)
    return list(seen)


# A select option with its label (WTForms 3.3), for every form's ``choices``. types-WTForms,
# newest 3.2, does not have the class yet: it is typed loosely here, once.
SelectChoice: Any = wtforms_choices.SelectChoice  # type: ignore[attr-defined]  # see above


def entered(field: StringField) -> str:
    """The text of a validated field whose ``DataRequired`` guarantees it was entered."""
    if field.data is None:
        raise ValueError(f"{field.name} read before its form was validated")
    return field.data


class AppForm(FlaskForm):
    """The base of every form. Flask-WTF hands a form ``request.files`` mixed into
    ``request.form``, so a file posted under a text field's name reached ``.strip()``
    and ``len()`` as a ``FileStorage`` (a 500); and a JSON body became form data. Here
    text fields read only the form's text, file fields only the files, JSON nothing."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if formdata is not _Auto:
                return formdata
            if not has_request_context() or request.method not in SUBMIT_METHODS:
                return None
            if not request.form and not request.files:
                return None
            files = {name for name, field in form._fields.items() if isinstance(field, FileField)}
            data: MultiDict[str, str | FileStorage] = MultiDict(
                (key, value) for key, value in request.form.items(multi=True) if key not in files
            )
            for name in files:
                for upload in request.files.getlist(name):
                    data.add(name, upload)
            return data


class WholeNumberField(IntegerField):
    """``IntegerField`` that reads only 0-9 within bounds, with a Chinese message."""

    def __init__(self, *args: Any, minimum: int = 0, maximum: int, unit: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.minimum, self.maximum, self.unit = minimum, maximum, unit

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            self.data = parse_int(
                valuelist[0],
                minimum=self.minimum,
                maximum=self.maximum,
                label=str(self.label.text).split("（")[0],
                unit=self.unit,
            )
        except NumberError as error:
            self.data = None
            raise ValueError(error.message) from None


class IdListField(SelectMultipleField):
    """Ids ticked in a list of checkboxes; anything not a valid id is dropped, not refused.
    With ``only_offered`` (the default), ids not among ``choices`` are dropped too."""

    def __init__(self, *args: Any, only_offered: bool = True, **kwargs: Any):
        kwargs.setdefault("coerce", coerce_id)
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)
        self.only_offered = only_offered

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = ids(valuelist)

    def pre_validate(self, form: Any) -> None:
        # None when the form got no data at all (an empty POST), as in wtforms' own check.
        if self.only_offered and self.data is not None:
            offered = {coerce_id(choice[0]) for choice in self.iter_choices()}
            self.data = [value for value in self.data if value in offered]


class CheckboxesField(SelectMultipleField):
    """Several choices ticked in a list of checkboxes (``field`` renders them in a fieldset).
    Which values count is the form's rule to say, so none is refused here."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


class CheckedForm(AppForm):
    """A form whose rules live in a Flask-free module (``app/apply/validation.py``,
    ``app/eligibility/answer_parsing.py``). ``check`` reads what was typed and returns the
    cleaned values and ``{field: message}``; ``validate`` puts each message on its field
    (one naming no field of the form goes to ``form_errors``), so the page shows them as
    every form's are and the rules are written once. What was typed stays on the fields,
    to show again or to keep in a draft."""

    cleaned: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: dict[str, str] = {}

    def typed(self) -> dict[str, Any]:
        """Each field's submitted value as the rules read it: text ('' when not sent), or a
        list for fields that take several."""
        values: dict[str, Any] = {}
        for name, bound in self._fields.items():
            if name == "csrf_token":
                continue
            if isinstance(bound, SelectMultipleField):
                values[name] = list(bound.data or [])
            else:
                values[name] = "" if bound.data is None else bound.data
        return values

    def check(self, typed: dict[str, Any]) -> tuple[Any, Mapping[str, str]]:
        """The cleaned values and the problems, from the area's rules."""
        raise NotImplementedError

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        self.cleaned, problems = self.check(self.typed())
        self.add_problems(problems)
        return valid and not problems

    def add_problems(self, problems: Mapping[str, str]) -> None:
        """Show ``{field: message}`` (from the rules or a service) with the fields."""
        for name, message in problems.items():
            self.problems[name] = message
            bound = self._fields.get(name)
            if bound is None:
                self.form_errors.append(message)
            else:
                bound.errors = [*bound.errors, message]
