from parvis.lib.text import fold, search_document, search_terms


def test_search_ignores_accents_case_and_plurals():
    assert fold("État CIVIL, Œuvre") == "etat civil, oeuvre"
    assert search_terms("Actes de naissance") == ["acte", "naissance"]


def test_irregular_plurals_meet_their_singular():
    assert search_terms("travaux") == search_terms("travail")
    assert search_terms("journaux") == search_terms("journal")


def test_a_search_document_is_padded_for_whole_word_prefix_matching():
    document = search_document("Demande d'acte de naissance")
    for term in search_terms("naissances acte"):
        assert f" {term}" in document
