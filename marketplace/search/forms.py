"""The search page's form: query-string arguments in, a :class:`SearchInput` out.

The form is a GET form (searches are bookmarkable), so it has no CSRF token. It checks
only what the page itself owns: numbers that are numbers, choices that are on the page,
a price typed in major units ("2000" → 200000 minor units, exactly). Which concern,
place, technique or currency is acceptable is the search service's call.

The screening questions the service asks when free text is unclear come back as
``answer_<code>=yes|no`` pairs; :meth:`SearchForm.to_input` turns a "yes" into a red
flag or caution, and "no" to every red-flag question asked into ``no_red_flags``.
Nothing here is stored: the answers live in the URL of this one search.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable, Mapping, Sequence

from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, ValidationError

from marketplace.core.money import NOT_A_PRICE
from marketplace.matching.safety import CAUTIONS, RED_FLAGS
from marketplace.practitioners.forms import MoneyField
from marketplace.practitioners.models import Gender, VenueType
from marketplace.practitioners.services import CURRENCIES
from marketplace.search.outcome import (
    ANY_GENDER, ANY_THERAPY, ANY_VENUE, DEFAULT_RADIUS_KM, MAX_RADIUS_KM, RADIUS_CHOICES_KM, BudgetUnderstood,
    GenderUnderstood, LanguageUnderstood, ModeUnderstood, PlaceUnderstood, RadiusUnderstood, SearchInput,
    NO_THERAPY, TherapyUnderstood, VenueUnderstood, chosen_modalities,
)
from marketplace.web.templating import choices

MODES = (("in_person", "In person"), ("online", "Online"), ("any", "Either"))
SORTS = (("best", "Best match"), ("nearest", "Nearest first"))
GENDER_CHOICES = (("", "Anyone"), (Gender.WOMAN.value, "A woman"), (Gender.MAN.value, "A man"),
                  (Gender.NON_BINARY.value, "A non-binary practitioner"))
# What seekers most often want left out, offered under "More filters" (others: ``exclude``)
LEAVE_OUT = (("acupuncture", "Needles (acupuncture, dry needling)"),
             ("spinal-manipulation", "Spinal manipulation (having your back “cracked”)"),
             ("cupping", "Cupping (it can leave round marks for a week or two)"))
MAX_PAGE = 500
ANSWER_PREFIX = "answer_"
READ_PREFIX = "read_"  # what the page filled in from the seeker's words (see settled)
UNDID_PREFIX = "undid_"  # and each "any" that undid such a reading
_READ_FIELDS = ("modality", "technique", "venue_type", "mode", "language", "gender", "near", "radius_km", "max_price",
                "currency")
_ANY_FIELDS = ("modality", "venue_type", "mode", "language", "gender")  # where "any" undoes a reading


def settled(args: MultiDict, names_a_place: Callable[[str], bool] = lambda text: True) -> MultiDict:
    """The search as the seeker asks it now. A results page shows what it read from the
    words in the fields, as if chosen there ("a female physio in Pune": Pune under Near, a
    woman under Treated by), and sends each such value back, hidden, as ``read_<field>``
    with the words as ``read_q``. Sent back unchanged, a value filled in from the words is
    not a choice: it is dropped, and the words, perhaps edited ("a male physio in Mumbai"),
    are read again. So is an "any" that undid a reading (sent back as ``undid_<field>``),
    once the words change. A town stays under Near, in sight, when the edited words name
    none (``names_a_place``)."""
    if not any(key.startswith((READ_PREFIX, UNDID_PREFIX)) for key in args):
        return args
    out = MultiDict(args)
    edited = (args.get("q") or "").strip() != (args.get(READ_PREFIX + "q") or "").strip()
    for name in _READ_FIELDS:
        value = (args.get(name) or "").strip()
        if name == "near" and edited and not names_a_place(args.get("q") or ""):
            continue
        if value and (value == (args.get(READ_PREFIX + name) or "").strip()
                      or (edited and value.lower() == "any" and args.get(UNDID_PREFIX + name))):
            out.poplist(name)
    if edited and args.get(UNDID_PREFIX + "exclude"):  # "show it too" undid the words' refusals, until they change
        out.setlist("exclude", [v for v in _listed(args.getlist("exclude")) if v != NO_THERAPY])
    if ticked := set(_listed([args.get(READ_PREFIX + "exclude") or ""])):
        # "Leave out" boxes the words ticked ("no acupuncture"): left as they were, or with
        # the words edited, the words are read again; one unticked undoes the words'
        # refusals, and the boxes still ticked are chosen
        now = _listed(out.getlist("exclude"))
        out.setlist("exclude", [v for v in now if v not in ticked] if edited or ticked <= set(now)
                    else [*now, NO_THERAPY])
    for key in [key for key in out if key.startswith((READ_PREFIX, UNDID_PREFIX))]:
        out.poplist(key)
    return out


class NumberField(StringField):
    """A number typed by a person (or edited in a URL). ``data`` is an int or float,
    or None when blank; anything else, including NaN and infinity, is a field error
    with ``message``, never an exception."""

    def __init__(self, *args: Any, integer: bool = False, message: str = "Enter a number.", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.integer = integer
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = (valuelist[0] if valuelist else "") or ""
        self.data = None
        text = self.raw.strip()
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(self.message) from None
        if not value.is_finite() or (self.integer and value != value.to_integral_value()):
            raise ValueError(self.message)
        self.data = int(value) if self.integer else float(value)

    def process_data(self, value: Any) -> None:
        self.data = value
        self.raw = "" if value is None else str(value)

    def _value(self) -> str:
        return getattr(self, "raw", "")


class PriceField(MoneyField):
    """A price in major units as people type it ("2000", "45.50", "₹1,500", "£45");
    ``data`` is integer minor units, ``typed_currency`` the currency the symbol named."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(str(exc) if str(exc) != NOT_A_PRICE else
                             "Enter an amount such as 2000, 45.50 or ₹1,500.") from None


def _listed(values: Iterable[str]) -> list[str]:
    """Each value of repeated, comma-separated fields ("acupuncture,none", "cupping"), once."""
    return list(dict.fromkeys(part.strip().lower() for value in values for part in value.split(",") if part.strip()))


class ListedField(StringField):
    """Values from checkboxes and hidden inputs of one name, each of which may hold several
    separated by commas; ``data`` is them all, comma-separated, once each ("" for none)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = ",".join(_listed(valuelist))

    @property
    def values(self) -> list[str]:
        return _listed([self.data or ""])


class CodesField(SelectMultipleField):
    """Checkboxes whose values are codes from a fixed list (rendered by the template)."""

    def pre_validate(self, form: Form) -> None:
        known = {str(next(iter(choice))) for choice in self.choices}
        unknown = [v for v in self.data or [] if v not in known]
        if unknown:
            raise ValidationError("Choose from the list.")


def _within(low: float, high: float, message: str) -> Any:
    """Like ``NumberRange``, but silent when the value did not parse (that error is
    already shown once)."""

    def check(form: Form, field: NumberField) -> None:
        if field.data is not None and not low <= field.data <= high:
            raise ValidationError(message)

    return check


def _grouped_choices(first: tuple[str, str], groups: list[tuple[str, list[tuple[str, str]]]]) -> list[Any]:
    """Choices in ``<optgroup>``s where WTForms has ``SelectChoice`` (3.3+); on older
    releases one flat list whose labels name the group."""
    try:
        from wtforms.fields import SelectChoice
    except ImportError:  # WTForms < 3.3
        return [first, *((slug, f"{group}: {name}") for group, items in groups for slug, name in items)]
    return [SelectChoice(*first), *(SelectChoice(slug, name, optgroup=group)
                                    for group, items in groups for slug, name in items)]


class ModeField(RadioField):
    """In person, online or either. Blank (the page's first "Either") is no choice yet: the
    seeker's words may still ask for one ("an online physio"); "any" is either, whatever
    the words say."""

    def pre_validate(self, form: Form) -> None:
        if self.data and self.data not in {value for value, _ in MODES}:
            raise ValidationError("Choose in person, online or either.")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class SearchForm(Form):
    concern = SelectField("Pick the closest match", validate_choice=False)
    q = StringField("Or describe it in your own words", filters=[_strip], validators=[Length(max=500)],
                    description="For example: “pinched nerve down my leg”, “physio for a stiff neck”, “kamar mein dard” "
                                "or “कमर में दर्द”.")
    near = StringField("Near", filters=[_strip], validators=[Length(max=200)],
                       description="A town, city or area, e.g. Bengaluru or Camden, London.")
    lat = NumberField("Latitude", message="Your location could not be read: type a place instead.",
                      validators=[_within(-90, 90, "Your location could not be read: type a place instead.")])
    lon = NumberField("Longitude", message="Your location could not be read: type a place instead.",
                      validators=[_within(-180, 180, "Your location could not be read: type a place instead.")])
    radius_km = NumberField("Within", message="Choose a distance from the list.",
                            validators=[_within(1, MAX_RADIUS_KM, f"Choose a distance up to {MAX_RADIUS_KM:.0f} km.")])
    mode = ModeField("How would you like to see someone?", choices=choices(MODES), default="")
    red_flags = CodesField("Red flags", choices=choices(RED_FLAGS.items()))
    no_red_flags = StringField("None of these")
    cautions = CodesField("Cautions", choices=choices(CAUTIONS.items()))
    modality = SelectField("Therapy", validate_choice=False, filters=[_strip])
    technique = SelectField("Technique", validate_choice=False, filters=[_strip])
    max_price = PriceField("Highest price per session", render_kw={"inputmode": "decimal"},
                           description="e.g. ₹1,500 or £45. With no currency named, in the currency of the place "
                                       "you search from.")
    currency = SelectField("Currency", default="",
                           choices=choices([("", "Any currency"), *((c, c) for c in CURRENCIES)]))
    language = StringField("Language", filters=[_strip], validators=[Length(max=40)],
                           description="e.g. Hindi, or “any” for every language")
    venue_type = SelectField("Kind of place", default="", choices=choices([("", "Any kind of place"),
                                                               *((v.value, v.label) for v in VenueType)]))
    gender = SelectField("Treated by", default="", choices=choices(GENDER_CHOICES),
                         description="Only practitioners who state it in their listing.")
    sort = StringField("Order", filters=[_strip])  # offered beside the results; anything unknown is "best"
    # therapies to leave out (a results page's "show it too" adds "none": the words' refusals
    # don't count); the common ones are offered as checkboxes, any other value is sent back hidden
    exclude = ListedField("Leave out", validators=[Length(max=400)])
    page = NumberField("Page", integer=True, message="Page numbers are whole numbers.",
                       validators=[_within(1, MAX_PAGE, f"Choose a page from 1 to {MAX_PAGE}.")])

    def __init__(self, args: Mapping[str, Any] | MultiDict, *, concerns: list[tuple[str, str]],
                 modalities: list[tuple[str, str]],
                 techniques: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__(formdata=args if isinstance(args, MultiDict) else MultiDict(args))
        self.args = args
        self.concern.choices = choices([("", "Not sure: I'll describe it"), *concerns])
        self.modality.choices = choices([("", "Any therapy"), *modalities])
        if len(several := chosen_modalities(self.modality.data)) > 1:  # ("acupuncture,cupping", from a link)
            names = dict(modalities)
            label = " or ".join(names.get(slug, slug) for slug in several)
            self.modality.choices.insert(1, *choices([(self.modality.data, label)]))
        self.technique.choices = _grouped_choices(("", "Any technique"), techniques)
        listed = {slug for slug, _ in modalities} | {slug for _, items in techniques for slug, _ in items}
        self.leave_out_choices = [(slug, label) for slug, label in LEAVE_OUT if slug in listed]
        self.answers = self._answers(args)
        self.either = ""  # the value "Either" sends (see offer_every_mode)
        self.read: dict[str, str] = {}  # field -> the value the offer_* methods filled in from the words
        self.left_out_read: set[str] = set()  # "Leave out" boxes ticked for therapies the words turned down
        # "Show every kind of place" (or everyone) from a search that read one from the words
        # sends "any", which must be a choice when the form is checked.
        if args.get("venue_type") == ANY_VENUE:
            self.offer_every_venue(None)
        if args.get("gender") == ANY_GENDER:
            self.offer_every_gender(None)

    # --- what the seeker asked ------------------------------------------------------

    @staticmethod
    def _answers(args: Mapping[str, Any]) -> dict[str, bool]:
        """Screening answers from ``answer_<code>`` (yes/no); unknown codes are ignored."""
        out: dict[str, bool] = {}
        for key in args:
            code = key.removeprefix(ANSWER_PREFIX)
            if key.startswith(ANSWER_PREFIX) and (code in RED_FLAGS or code in CAUTIONS):
                value = (args.get(key) or "").strip().lower()
                if value in ("yes", "no"):
                    out[code] = value == "yes"
        return out

    @property
    def is_submitted(self) -> bool:
        """A search was asked for (not the first, empty visit)."""
        return any(name in self.args for name in self._fields if name != "page") or bool(self.answers)

    @property
    def red_flags_chosen(self) -> frozenset[str]:
        return frozenset(self.red_flags.data or ()) | {c for c, yes in self.answers.items() if yes and c in RED_FLAGS}

    @property
    def cautions_chosen(self) -> frozenset[str]:
        return frozenset(self.cautions.data or ()) | {c for c, yes in self.answers.items() if yes and c in CAUTIONS}

    @property
    def no_answers(self) -> list[str]:
        """Codes answered "no": carried along (hidden) so the next search keeps them."""
        return [c for c, yes in self.answers.items() if not yes]

    @property
    def says_no_red_flags(self) -> bool:
        answered = {c: yes for c, yes in self.answers.items() if c in RED_FLAGS}
        ticked_none = (self.no_red_flags.data or "").strip().lower() in ("y", "yes", "on", "true", "1")
        return not self.red_flags_chosen and (ticked_none or (bool(answered) and not any(answered.values())))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        typed = self.max_price.typed_currency
        if typed is not None and self.currency.data and self.currency.data != typed:
            self.max_price.errors = [*self.max_price.errors, f"You typed a price in {typed} but chose "
                                     f"{self.currency.data}: choose one currency."]
            ok = False
        elif typed is not None:
            self.currency.data = typed  # "₹1,500" means rupees: the page shows it chosen
        if self.lat.data is not None and self.lon.data is None or self.lon.data is not None and self.lat.data is None:
            self.lat.errors = [*self.lat.errors, "Your location could not be read: type a place instead."]
            ok = False
        self.surface_hidden_errors()
        return ok

    def surface_hidden_errors(self) -> None:
        """The coordinates are hidden fields: show their errors on the place field,
        where the seeker can see them and type a place instead."""
        moved = [*self.lat.errors, *self.lon.errors]
        if moved:
            self.near.errors = list(dict.fromkeys([*self.near.errors, *moved]))
            self.lat.errors, self.lon.errors = [], []

    def to_input(self, per_page: int = 20, region: str | None = None) -> SearchInput:
        """The service input. A typed place wins over coordinates from "use my location"
        (without JavaScript the old coordinates ride along after the seeker types a place).
        ``region``: the country the seeker is likely in (from the browser's languages)."""
        near = self.near.data or None
        lat, lon = (None, None) if near else (self.lat.data, self.lon.data)
        return SearchInput(
            concern=self.concern.data or None, q=self.q.data or None, near=near, lat=lat, lon=lon,
            radius_km=float(self.radius_km.data) if self.radius_km.data is not None else None,
            mode=self.mode.data if self.mode.data in {m for m, _ in MODES} else None,
            cautions=self.cautions_chosen, red_flags=self.red_flags_chosen, no_red_flags=self.says_no_red_flags,
            modality=self.modality.data or None, technique=self.technique.data or None,
            max_price=self.max_price.data, currency=self.currency.data or None,
            language=self.language.data or None, venue_type=self.venue_type.data or None,
            gender=self.gender.data or None, exclude=self.exclude.data or None, page=self.page.data or 1,
            per_page=per_page,
            sort="nearest" if self.sort.data == "nearest" else "best", region=region,
        )

    def filtered(self) -> bool:
        """Whether the seeker chose a filter under "More filters" (in the URL, not "any"): not a
        therapy, place, language, budget or gender read from their words, which the results name."""
        chosen = [(field.raw_data or [""])[0].strip().lower()
                  for field in (self.modality, self.technique, self.language, self.venue_type, self.max_price,
                                self.currency, self.gender)]
        left_out = set(self.exclude.values) & {slug for slug, _ in self.leave_out_choices}  # a box ticked
        return any(value not in ("", "any") for value in chosen) or bool(left_out)

    def offer_every_therapy(self, therapies: Sequence[TherapyUnderstood], named_together: str = "") -> None:
        """Once the text names a therapy (or the seeker chose every therapy over it), "Any
        therapy" must say so in the URL, or choosing it would narrow the search again; the
        therapy the text named shows as chosen, as if picked here. Several named ("cupping
        or massage") show as one choice first, ``named_together``, which sends nothing: the
        words are read again."""
        several = [("", named_together)] if len(therapies) > 1 else []
        self.modality.choices = [*choices([*several, (ANY_THERAPY, "Any therapy")]), *self.modality.choices[1:]]
        named = therapies[0] if len(therapies) == 1 else None
        if several:
            self.modality.data = ""
        if named is not None and named.kind == "modality":
            self.modality.data = self.read["modality"] = named.slug
        elif named is not None:
            self.modality.data, self.technique.data = ANY_THERAPY, named.slug
            self.read.update(modality=ANY_THERAPY, technique=named.slug)

    def offer_every_venue(self, named: VenueUnderstood | None) -> None:
        """The same for the kind of place (see :meth:`offer_every_therapy`)."""
        self.venue_type.choices = [*choices([(ANY_VENUE, "Any kind of place")]), *self.venue_type.choices[1:]]
        if named is not None:
            self.venue_type.data = self.read["venue_type"] = named.value

    def offer_every_mode(self, named: ModeUnderstood | None) -> None:
        """The same for how the seeker is seen: "Either" then sends ``any``."""
        self.either = "any"
        if named is not None:
            self.mode.data = self.read["mode"] = named.value

    def offer_every_language(self, named: LanguageUnderstood | None) -> None:
        """The same for the language: the one the text asked for shows as typed here."""
        if named is not None:
            self.language.data = self.read["language"] = named.name

    def offer_every_gender(self, named: GenderUnderstood | None) -> None:
        """The same for who treats the seeker (see :meth:`offer_every_therapy`)."""
        self.gender.choices = [*choices([(ANY_GENDER, GENDER_CHOICES[0][1])]), *self.gender.choices[1:]]
        if named is not None:
            self.gender.data = self.read["gender"] = named.value

    def offer_budget(self, named: BudgetUnderstood | None) -> None:
        """The limit the text stated shows under "Highest price" (and its currency), as if
        typed there."""
        if named is not None:
            self.max_price.process_data(named.amount)
            self.max_price.raw = self.read["max_price"] = self.max_price.raw.removesuffix(".00")
            if named.currency:
                self.currency.data = self.read["currency"] = named.currency

    def offer_place(self, named: PlaceUnderstood | None) -> None:
        """The town the text named shows under "Near", as if typed there."""
        if named is not None:
            self.near.data = self.read["near"] = named.name

    def offer_radius(self, named: RadiusUnderstood | None, searched: float) -> None:
        """The distance the text stated (``searched``: as far as the search went) shows under
        "Within", as if chosen there."""
        if named is not None:
            self.radius_km.process_data(searched)
            self.read["radius_km"] = self.radius_value()

    def offer_left_out(self, declined: Sequence[TherapyUnderstood]) -> None:
        """The "Leave out" boxes of the therapies the text turned down ("no acupuncture",
        "no needles") show ticked, as if ticked here (not a box whose therapy is wider than
        the one turned down: "no dry needling" leaves the needles box as it was)."""
        refused = {t.slug for t in declined}
        self.left_out_read = {slug for slug, _ in self.leave_out_choices if slug in refused}
        if self.left_out_read:
            self.read["exclude"] = ",".join(sorted(self.left_out_read))

    def read_back(self) -> dict[str, str]:
        """What the page sends back, hidden, with the form (see :func:`settled`): the words
        as searched, each value filled in from them, and each "any" that undid one."""
        undone = {UNDID_PREFIX + name: "any" for name in _ANY_FIELDS
                  if name not in self.read and (getattr(self, name).data or "").lower() == "any"}
        if NO_THERAPY in self.exclude.values:
            undone[UNDID_PREFIX + "exclude"] = NO_THERAPY
        if not (self.read or undone) or not self.q.data:
            return {}
        return {**{READ_PREFIX + name: value for name, value in {"q": self.q.data, **self.read}.items()}, **undone}

    def radius_options(self) -> list[tuple[str, str]]:
        """The distances offered, plus the one in the URL (or read from the words) if it is
        another. Until one is chosen, the default sends nothing: a distance in the words
        ("within 5 km") may then say how far."""
        current = self.radius_km.data if self.radius_km.data is not None and not self.radius_km.errors else None
        values = sorted({*RADIUS_CHOICES_KM, *([current] if current is not None else [])})
        return [("" if current is None and v == DEFAULT_RADIUS_KM else f"{v:g}", f"{v:g} km") for v in values]

    def radius_value(self) -> str:
        if self.radius_km.data is not None and not self.radius_km.errors:
            return f"{self.radius_km.data:g}"
        return ""
