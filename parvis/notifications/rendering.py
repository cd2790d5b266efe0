"""Rendering messages: an organisation's own wording, else the shipped default files.

Default templates live in ``templates/notifications/<event>/`` of any app (or the project
templates directory): ``subject.txt`` + ``body.txt`` (+ optional ``body.html``) for email,
``sms.txt`` for SMS, optional ``label.txt`` (the French name of the event shown to
administrators) and ``sample.json`` (a sample context for previews).

Text parts are rendered without HTML escaping; ``body.html`` with it. A variable missing
from the context renders as an empty string, never an error.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine, Template, TemplateDoesNotExist, TemplateSyntaxError
from django.template.backends.django import get_installed_libraries
from django.template.base import Lexer, TokenType
from django.template.loader import get_template
from django.template.utils import get_app_template_dirs

from parvis.notifications.enums import Channel
from parvis.organisations.models import Organisation


class MessageTemplateMissing(LookupError):
    """No template exists for this event and channel: the message cannot be composed."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class EventInfo:
    event: str
    label: str
    channels: tuple[str, ...]
    sample: dict[str, Any] = field(default_factory=dict)


def _project_dirs() -> list[str]:
    templates: list[dict[str, Any]] = settings.TEMPLATES
    return [str(d) for conf in templates for d in conf.get("DIRS", [])]


@functools.cache
def text_engine() -> Engine:
    """A template engine for plain text: same template directories, no autoescaping."""
    return Engine(dirs=_project_dirs(), app_dirs=True, autoescape=False, libraries=get_installed_libraries())


def default_paths(event: str, channel: str) -> dict[str, str]:
    base = f"notifications/{event}"
    if channel == Channel.SMS:
        return {"body": f"{base}/sms.txt"}
    return {"subject": f"{base}/subject.txt", "body": f"{base}/body.txt", "html": f"{base}/body.html"}


def default_source(event: str, channel: str) -> tuple[str, str]:
    """The shipped (subject, body) source text of an event, for display and reset."""
    paths = default_paths(event, channel)
    try:
        body = _source(paths["body"])
        subject = _source(paths["subject"]) if "subject" in paths else ""
    except TemplateDoesNotExist as exc:
        raise _missing(event, channel) from exc
    return subject.strip(), body


def _source(name: str) -> str:
    template = text_engine().get_template(name)
    return template.source


def _missing(event: str, channel: str) -> MessageTemplateMissing:
    files = " + ".join(
        default_paths(event, channel)[k] for k in ("subject", "body") if k in default_paths(event, channel)
    )
    return MessageTemplateMissing(
        f"No {channel} template for event {event!r}: ship templates/{files} (or an organisation MessageTemplate row)."
    )


def _context(context: dict[str, Any], organisation: Organisation | None) -> dict[str, Any]:
    return {**context, "organisation": organisation}


def single_line(text: str) -> str:
    return " ".join(text.split())


def tidy_body(text: str) -> str:
    """Trailing spaces and runs of blank lines left by template tags removed."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_message(*, organisation: Organisation | None, event: str, channel: str, context: dict[str, Any]) -> Rendered:
    """Compose a message: the organisation's MessageTemplate if any, else the default files."""
    from parvis.notifications.models import MessageTemplate

    full_context = _context(context, organisation)
    override = (
        MessageTemplate.objects.filter(organisation=organisation, event=event, channel=channel).first()
        if organisation is not None
        else None
    )
    if override is not None:
        return render_sources(subject=override.subject, body=override.body, channel=channel, context=full_context)
    paths = default_paths(event, channel)
    engine = text_engine()
    try:
        body = engine.get_template(paths["body"]).render(Context(full_context, autoescape=False))
        subject = (
            engine.get_template(paths["subject"]).render(Context(full_context, autoescape=False))
            if "subject" in paths
            else ""
        )
    except TemplateDoesNotExist as exc:
        raise _missing(event, channel) from exc
    html = ""
    if "html" in paths:
        try:
            html = get_template(paths["html"]).render(full_context)
        except TemplateDoesNotExist:
            html = ""
    return Rendered(subject=single_line(subject)[:255], body_text=tidy_body(body), body_html=html)


def render_sources(*, subject: str, body: str, channel: str, context: dict[str, Any]) -> Rendered:
    """Render template source text (an organisation's own wording or a preview)."""
    engine = text_engine()
    rendered_body = Template(body, engine=engine).render(Context(context, autoescape=False))
    rendered_subject = (
        Template(subject, engine=engine).render(Context(context, autoescape=False)) if channel == Channel.EMAIL else ""
    )
    return Rendered(subject=single_line(rendered_subject)[:255], body_text=tidy_body(rendered_body), body_html="")


# Tags an administrator may use in their own wording. Loading libraries, including other
# templates or dumping the context ({% debug %}) are refused.
ALLOWED_TAGS = {
    "if",
    "elif",
    "else",
    "endif",
    "for",
    "empty",
    "endfor",
    "with",
    "endwith",
    "firstof",
    "now",
    "spaceless",
    "endspaceless",
    "comment",
    "endcomment",
    "filter",
    "endfilter",
    "cycle",
    "templatetag",
}
_FORBIDDEN_LOOKUP = re.compile(r"(^|\.)(_|password\b|secret\b|token\b)", re.IGNORECASE)


def check_source(source: str) -> str | None:
    """A French error message if ``source`` is not a valid, allowed template, else None."""
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            tag = token.contents.split()[0] if token.contents.split() else ""
            if tag not in ALLOWED_TAGS:
                return f"La balise « {{% {tag} %}} » n'est pas autorisée dans un modèle de message."
        elif token.token_type == TokenType.VAR:
            expression = token.contents.split("|")[0].strip()
            if _FORBIDDEN_LOOKUP.search(expression):
                return f"La variable « {{{{ {expression} }}}} » n'est pas autorisée dans un modèle de message."
    try:
        Template(source, engine=text_engine())
    except TemplateSyntaxError as exc:
        return f"Erreur de syntaxe dans le modèle : {exc}"
    return None


def _template_roots() -> list[Path]:
    dirs = [Path(d) for d in _project_dirs()]
    dirs += [Path(d) for d in get_app_template_dirs("templates")]
    return [d / "notifications" for d in dirs if (d / "notifications").is_dir()]


def known_events() -> list[EventInfo]:
    """Every event with shipped default templates, sorted by label."""
    found: dict[str, EventInfo] = {}
    for root in _template_roots():
        for folder in sorted(p for p in root.iterdir() if p.is_dir()):
            if folder.name in found:
                continue
            channels = []
            if (folder / "subject.txt").is_file() and (folder / "body.txt").is_file():
                channels.append(Channel.EMAIL.value)
            if (folder / "sms.txt").is_file():
                channels.append(Channel.SMS.value)
            if not channels:
                continue
            label_file = folder / "label.txt"
            label = label_file.read_text(encoding="utf-8").strip() if label_file.is_file() else folder.name
            sample_file = folder / "sample.json"
            sample = json.loads(sample_file.read_text(encoding="utf-8")) if sample_file.is_file() else {}
            found[folder.name] = EventInfo(event=folder.name, label=label, channels=tuple(channels), sample=sample)
    return sorted(found.values(), key=lambda info: info.label.lower())


def event_info(event: str) -> EventInfo | None:
    return next((info for info in known_events() if info.event == event), None)
