"""Administrators write their organisation's own wording of each message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.audit.models import AuditEvent
from parvis.notifications import services
from parvis.notifications.models import MessageTemplate
from parvis.notifications.rendering import check_source, known_events
from tests.conftest import HOST_A, HOST_B, logged_in

EDIT = reverse("notifications:template_edit", args=["notifications.test", "email"])
EDIT_SMS = reverse("notifications:template_edit", args=["notifications.test", "sms"])
RESET = reverse("notifications:template_reset", args=["notifications.test", "email"])


def test_shipped_events_are_discovered_from_the_template_folders():
    test_event = next(info for info in known_events() if info.event == "notifications.test")

    assert test_event.label == "Message d'essai"
    assert test_event.channels == ("email", "sms")
    assert test_event.sample["recipient_name"] == "Camille Martin"


def test_the_list_shows_each_event_with_its_default_text(territory, admin_a):
    response = logged_in(admin_a, HOST_A).get(reverse("notifications:templates"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Message d&#x27;essai" in content
    assert "pour vérifier que les courriels partent bien" in content
    assert EDIT in content and EDIT_SMS in content


def test_a_back_office_agent_cannot_edit_templates(territory, agent_a):
    assert logged_in(agent_a, HOST_A).get(EDIT).status_code == 403


def test_the_edit_form_starts_from_the_default_text_with_a_preview(territory, admin_a):
    content = logged_in(admin_a, HOST_A).get(EDIT).content.decode()

    assert "Message d&#x27;essai de {{ organisation.name|default:&quot;Parvis&quot; }}" in content
    assert "Message d&#x27;essai de Commune A" in content  # the preview
    assert "Bonjour Camille Martin" in content


def test_previewing_renders_sample_data_without_saving(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(
        EDIT,
        {
            "subject": "Bonjour {{ recipient_name }}",
            "body": "{{ organisation.name }} {{ inconnue.x }}!",
            "preview": "1",
        },
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Bonjour Camille Martin" in content
    assert "<p>Commune A !<br></p>" in content  # the unknown variable renders as nothing
    assert not MessageTemplate.objects.exists()


def test_saving_stores_the_wording_and_it_is_used_for_the_next_messages(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(
        EDIT, {"subject": "Essai {{ organisation.name }}", "body": "Bonjour {{ recipient_name }}.", "save": "1"}
    )

    assert response.status_code == 302
    template = MessageTemplate.objects.get()
    assert (template.organisation, template.updated_by) == (territory.commune_a, admin_a)
    assert AuditEvent.objects.filter(action="message_template.saved", actor=admin_a).exists()
    message = services.queue_message(
        organisation=territory.commune_a,
        event="notifications.test",
        to="a@example.org",
        context={"recipient_name": "Zoé"},
    )
    assert (message.subject, message.body_text, message.body_html) == ("Essai Commune A", "Bonjour Zoé.\n", "")


def test_a_syntax_error_is_reported_in_french_and_nothing_is_saved(territory, admin_a):
    typed = "Bonjour {% if recipient_name %}{{ recipient_name }}"
    response = logged_in(admin_a, HOST_A).post(EDIT, {"subject": "Essai", "body": typed, "save": "1"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Erreur de syntaxe dans le modèle" in content
    assert 'href="#id_body"' in content
    assert "Bonjour {% if recipient_name %}{{ recipient_name }}" in content  # what was typed is kept
    assert not MessageTemplate.objects.exists()


def test_a_subject_is_required_for_an_email(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(EDIT, {"subject": "", "body": "Bonjour", "save": "1"})

    assert "Ce champ est obligatoire" in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_an_sms_template_has_no_subject(territory, admin_a):
    client = logged_in(admin_a, HOST_A)
    assert 'name="subject"' not in client.get(EDIT_SMS).content.decode()

    client.post(EDIT_SMS, {"body": "{{ organisation.name }} : essai.", "save": "1"})

    assert MessageTemplate.objects.get(channel="sms").subject == ""


@pytest.mark.parametrize(
    "source",
    ["{% load static %}", "{% include 'base.html' %}", "{% debug %}", "{{ user.password }}", "{{ x._meta }}"],
)
def test_dangerous_template_constructs_are_refused(source):
    assert check_source(source) is not None


def test_plain_variables_and_conditions_are_allowed():
    assert check_source("{% if a %}{{ organisation.name|upper }}{% else %}{{ b }}{% endif %}") is None


def test_saving_a_template_for_an_unknown_event_is_refused(territory, admin_a):
    with pytest.raises(LookupError):
        services.save_message_template(
            organisation=territory.commune_a, event="nope", channel="email", subject="a", body="b", actor=admin_a
        )


def test_an_unknown_event_or_channel_in_the_url_is_404(territory, admin_a):
    client = logged_in(admin_a, HOST_A)

    assert client.get(reverse("notifications:template_edit", args=["nope", "email"])).status_code == 404
    assert client.get(reverse("notifications:template_edit", args=["notifications.test", "fax"])).status_code == 404


def test_resetting_goes_back_to_the_default_text(territory, admin_a):
    MessageTemplate.objects.create(
        organisation=territory.commune_a, event="notifications.test", channel="email", subject="A", body="Texte A"
    )

    response = logged_in(admin_a, HOST_A).post(RESET, follow=True)

    assert "reprend le texte par défaut" in response.content.decode()
    assert not MessageTemplate.objects.exists()
    assert AuditEvent.objects.filter(action="message_template.reset").exists()


def test_an_organisations_wording_never_shows_to_another(territory, admin_a):
    MessageTemplate.objects.create(
        organisation=territory.commune_a, event="notifications.test", channel="email", subject="A", body="Texte de A"
    )
    from parvis.accounts.enums import Role
    from tests.factories import MembershipFactory, UserFactory

    admin_b = UserFactory()
    MembershipFactory(user=admin_b, organisation=territory.commune_b, role=Role.ADMIN)
    client = logged_in(admin_b, HOST_B)

    assert "Texte de A" not in client.get(EDIT).content.decode()
    client.post(RESET)
    assert MessageTemplate.objects.filter(organisation=territory.commune_a).exists()


def test_an_administrator_sends_themselves_a_test_email(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(reverse("notifications:send_test"))

    message = territory.commune_a.outbound_messages.get()
    assert message.to == admin_a.email
    assert "http://commune-a.localhost:8000/" in message.body_text
    assert response["Location"] == reverse("notifications:message_detail", args=[message.pk])


def test_every_shipped_template_is_editable_and_renders_with_its_sample(territory):
    from parvis.notifications.queries import sample_context
    from parvis.notifications.rendering import default_source, render_sources

    events = known_events()
    assert len(events) >= 1
    for info in events:
        for channel in info.channels:
            subject, body = default_source(info.event, channel)
            assert check_source(subject) is None, (info.event, channel)
            assert check_source(body) is None, (info.event, channel)
            rendered = render_sources(
                subject=subject, body=body, channel=channel, context=sample_context(info, territory.commune_a)
            )
            assert rendered.body_text.strip(), (info.event, channel)
            assert (channel == "sms") or rendered.subject, (info.event, channel)
