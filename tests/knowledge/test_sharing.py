"""EPCI sharing and hiding, audiences, drafts, body rendering; administrators write through services."""

import pytest

from parvis.audit.models import AuditEvent
from parvis.knowledge.enums import ArticleStatus, Audience
from parvis.knowledge.models import Article
from parvis.knowledge.queries import articles_for_agents, articles_for_citizens, suggest_articles
from parvis.knowledge.services import KnowledgeError, set_article_hidden, update_article
from parvis.knowledge.templatetags.knowledge_ui import article_body
from tests.conftest import HOST_A, HOST_B, logged_in
from tests.knowledge.helpers import article


def test_an_epci_article_is_shared_with_its_communes(territory, client_a):
    article(territory.epci, "Collecte des encombrants", theme="dechets")
    assert client_a.get("/aide/collecte-des-encombrants/").status_code == 200
    assert "Collecte des encombrants" in client_a.get("/aide/").content.decode()


def test_a_commune_can_hide_an_epci_article_without_affecting_the_others(territory, admin_a):
    shared = article(territory.epci, "Collecte des encombrants", theme="dechets")
    set_article_hidden(organisation=territory.commune_a, article=shared, hidden=True, actor=admin_a)
    assert shared not in articles_for_citizens(territory.commune_a)
    assert shared not in articles_for_agents(territory.commune_a)
    assert shared in articles_for_citizens(territory.commune_b)
    set_article_hidden(organisation=territory.commune_a, article=shared, hidden=False, actor=admin_a)
    assert shared in articles_for_citizens(territory.commune_a)
    assert AuditEvent.objects.filter(action="knowledge.article_hidden").exists()


def test_a_commune_cannot_hide_its_own_or_another_communes_article(territory, admin_a):
    own = article(territory.commune_b, "Marché du samedi")
    with pytest.raises(KnowledgeError):
        set_article_hidden(organisation=territory.commune_a, article=own, hidden=True, actor=admin_a)


def test_a_communes_article_is_not_shown_in_another_commune(territory):
    article(territory.commune_a, "Marché du samedi")
    assert not articles_for_citizens(territory.commune_b).exists()
    assert not articles_for_agents(territory.commune_b).exists()


def test_a_citizen_never_sees_agent_only_articles(territory, citizen):
    article(territory.commune_a, "Procédure interne passeport", audience=Audience.AGENTS, slug="interne")
    article(territory.commune_a, "Passeport", audience=Audience.CITIZENS)
    titles = {a.title for a in articles_for_citizens(territory.commune_a)}
    assert titles == {"Passeport"}
    client = logged_in(citizen, HOST_A)
    assert client.get("/aide/interne/").status_code == 404
    assert "Procédure interne" not in client.get("/aide/?q=passeport").content.decode()
    assert [a.title for a in suggest_articles(territory.commune_a, "passeport", Audience.CITIZENS, 5)] == ["Passeport"]


def test_agents_see_agent_only_articles_in_the_back_office(territory, agent_a):
    internal = article(territory.commune_a, "Procédure interne passeport", audience=Audience.AGENTS)
    client = logged_in(agent_a, HOST_A)
    assert "Procédure interne passeport" in client.get("/backoffice/aide/?q=passeports").content.decode()
    assert client.get(f"/backoffice/aide/{internal.pk}/").status_code == 200


def test_drafts_are_for_administrators_only(territory, agent_a, admin_a, client_a):
    draft = article(territory.commune_a, "Brouillon cantine", status=ArticleStatus.DRAFT)
    assert client_a.get(f"/aide/{draft.slug}/").status_code == 404
    assert logged_in(agent_a, HOST_A).get(f"/backoffice/aide/{draft.pk}/").status_code == 404
    assert logged_in(admin_a, HOST_A).get(f"/backoffice/aide/{draft.pk}/").status_code == 200


def test_the_body_is_rendered_safely_with_paragraphs_and_lists():
    html = article_body("Bonjour <script>alert(1)</script>\nsuite\n\n- un\n- deux\n\n1. premier\n2. second\n\n## Titre")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<p>Bonjour &lt;script&gt;alert(1)&lt;/script&gt;<br>suite</p>" in html
    assert "<ul><li>un</li><li>deux</li></ul>" in html
    assert "<ol><li>premier</li><li>second</li></ol>" in html
    assert "<h2>Titre</h2>" in html


def test_an_administrator_writes_an_article_through_the_back_office(territory, admin_a):
    client = logged_in(admin_a, HOST_A)
    response = client.post(
        "/backoffice/aide/nouvel-article/",
        {
            "title": "Horaires de la mairie",
            "summary": "Quand venir",
            "theme": "contact",
            "audience": "both",
            "status": "published",
            "tags": "horaires, accueil",
            "body": "Du lundi au vendredi.",
        },
    )
    created = Article.objects.get(organisation=territory.commune_a)
    assert response.status_code == 302 and created.slug == "horaires-de-la-mairie"
    assert AuditEvent.objects.filter(action="knowledge.article_created", organisation=territory.commune_a).exists()
    response = client.post(
        f"/backoffice/aide/{created.pk}/modifier/",
        {
            "title": "Horaires d'ouverture",
            "slug": created.slug,
            "theme": "contact",
            "audience": "both",
            "status": "published",
            "body": "Du lundi au samedi.",
        },
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.title == "Horaires d'ouverture" and "samedi" in created.search_text
    client.post(f"/backoffice/aide/{created.pk}/supprimer/")
    assert not Article.objects.exists()


def test_a_bad_article_keeps_what_was_typed(territory, admin_a):
    response = logged_in(admin_a, HOST_A).post(
        "/backoffice/aide/nouvel-article/", {"title": "Ho", "body": "Mon texte à garder"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Mon texte à garder" in page and "trois caractères" in page


def test_an_epci_article_cannot_be_edited_from_a_commune(territory, admin_a, epci_admin):
    shared = article(territory.epci, "Collecte des encombrants")
    assert logged_in(admin_a, HOST_A).get(f"/backoffice/aide/{shared.pk}/modifier/").status_code == 404
    assert (
        logged_in(admin_a, HOST_A).post(f"/backoffice/aide/{shared.pk}/masquer/", {"hidden": "on"}).status_code == 302
    )
    assert not articles_for_citizens(territory.commune_a).filter(pk=shared.pk).exists()
    assert (
        logged_in(admin_a, HOST_B).post(f"/backoffice/aide/{shared.pk}/masquer/", {"hidden": "on"}).status_code == 403
    )


def test_procedures_link_articles_shown_on_their_public_page(territory, admin_a, client_a):
    from tests.factories import published_procedure

    procedure = published_procedure(territory.commune_a, actor=admin_a)
    linked = article(territory.commune_a, "Délai pour un acte de naissance", procedures=[procedure])
    article(territory.commune_a, "Note interne acte", audience=Audience.AGENTS, procedures=[procedure])
    page = client_a.get(f"/demarches/{procedure.slug}/").content.decode()
    assert "Délai pour un acte de naissance" in page and "Note interne acte" not in page
    assert f"/demarches/{procedure.slug}/" in client_a.get(f"/aide/{linked.slug}/").content.decode()


def test_a_procedure_of_another_commune_cannot_be_linked(territory, admin_a):
    from tests.factories import published_procedure

    other = published_procedure(territory.commune_b, slug="autre")
    with pytest.raises(KnowledgeError):
        article(territory.commune_a, "Lien interdit", procedures=[other])
    mine = article(territory.commune_a, "Lien permis")
    with pytest.raises(KnowledgeError):
        update_article(article=mine, data={}, procedures=[other], actor=admin_a)
