"""The demo's knowledge base: realistic articles for Admiville and its EPCI, loaded idempotently."""

from parvis.calls.models import CallSubject
from parvis.demo.knowledge_examples import load_knowledge_examples
from parvis.knowledge.enums import Audience
from parvis.knowledge.models import Article
from parvis.knowledge.queries import articles_for_citizens, search_articles, suggest_articles


def test_the_demo_articles_load_once_and_answer_the_usual_questions(territory):
    assert load_knowledge_examples(epci=territory.epci, organisation=territory.commune_a)
    count = Article.objects.count()
    assert not load_knowledge_examples(epci=territory.epci, organisation=territory.commune_a)
    assert (
        Article.objects.count() == count and CallSubject.objects.filter(organisation=territory.commune_a).count() == 8
    )
    public = articles_for_citizens(territory.commune_a)
    assert not public.filter(audience=Audience.AGENTS).exists()
    assert search_articles(public, "encombrants")[0].slug == "collecte-des-encombrants"
    assert search_articles(public, "passeports")[0].slug == "carte-identite-et-passeport"
    assert "cantine-et-restauration-scolaire" in {a.slug for a in search_articles(public, "cantine")}
    suggested = [a.slug for a in suggest_articles(territory.commune_a, "passeport urgent", Audience.AGENTS, 3)]
    assert "passeport-urgence-consignes" in suggested
    # The other commune gets the EPCI's articles, not Admiville's.
    assert {a.organisation_id for a in articles_for_citizens(territory.commune_b)} == {territory.epci.pk}
