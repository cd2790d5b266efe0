"""The demo's knowledge base and call subjects (issue 5): realistic answers for Admiville and its EPCI.

Idempotent: an article already present (same organisation and slug) is left as it is, so an
administrator's edits in the demo survive a new ``parvis demo``.
"""

from __future__ import annotations

from parvis.calls.services import add_default_subjects
from parvis.knowledge.enums import ArticleStatus, Audience
from parvis.knowledge.models import Article
from parvis.knowledge.services import create_article
from parvis.organisations.models import Organisation
from parvis.procedures.queries import available_procedures

# (slug, title, summary, theme, audience, tags, procedure slugs, body)
EPCI_ARTICLES = [
    (
        "collecte-des-encombrants",
        "Collecte des encombrants",
        "Les objets trop volumineux pour la poubelle sont ramassés sur rendez-vous, gratuitement.",
        "dechets",
        Audience.BOTH,
        "encombrants, meubles, électroménager, déchets",
        ["collecte-encombrants"],
        "La communauté de communes du Val d'Admi ramasse les encombrants devant votre domicile, sur rendez-vous, "
        "une fois par mois dans chaque commune. Le service est gratuit dans la limite de 3 m³ par passage.\n\n"
        "Sont acceptés :\n- les meubles (canapé, armoire démontée, sommier, matelas) ;\n"
        "- le gros électroménager (réfrigérateur, lave-linge, cuisinière) ;\n- les vélos et poussettes.\n\n"
        "Ne sont pas acceptés : gravats, pneus, pots de peinture, déchets verts. Déposez-les à la déchèterie.\n\n"
        "Sortez vos objets la veille au soir du rendez-vous, sans gêner le passage sur le trottoir.",
    ),
    (
        "decheterie-horaires-et-acces",
        "Déchèterie : horaires et accès",
        "La déchèterie intercommunale d'Admiville est ouverte six jours sur sept, avec la carte d'accès.",
        "dechets",
        Audience.BOTH,
        "déchèterie, déchets verts, gravats, badge",
        [],
        "Déchèterie intercommunale, zone artisanale des Prés, Admiville.\n\n"
        "- Du lundi au samedi : 9 h – 12 h et 14 h – 18 h (17 h en hiver)\n- Fermée le dimanche et les jours fériés\n\n"
        "L'accès est réservé aux habitants du Val d'Admi, sur présentation de la carte d'accès. La carte se demande "
        "à l'accueil de votre mairie avec un justificatif de domicile de moins de trois mois.",
    ),
    (
        "jours-de-collecte-des-poubelles",
        "Jours de collecte des poubelles",
        "Ordures ménagères chaque semaine, tri sélectif tous les quinze jours.",
        "dechets",
        Audience.BOTH,
        "poubelle, bac jaune, tri, ordures ménagères",
        [],
        "Sortez votre bac la veille au soir et rentrez-le après le passage du camion.\n\n"
        "- Bac gris (ordures ménagères) : chaque semaine\n"
        "- Bac jaune (emballages et papiers) : une semaine sur deux\n\n"
        "Les jours fériés, la collecte est décalée au lendemain. Bac cassé ou volé : signalez-le en ligne ou au "
        "03 99 00 10 20, un nouveau bac est livré sous quinze jours.",
    ),
]

ADMIVILLE_ARTICLES = [
    (
        "horaires-de-la-mairie",
        "Horaires d'ouverture de la mairie",
        "L'hôtel de ville accueille le public du lundi au samedi matin.",
        "contact",
        Audience.BOTH,
        "horaires, accueil, ouverture, mairie",
        [],
        "Hôtel de ville, 1 place de la République, 99100 Admiville — 03 99 01 00 00.\n\n"
        "- Du lundi au vendredi : 8 h 30 – 12 h et 13 h 30 – 17 h 30\n"
        "- Le samedi : 9 h – 12 h (état civil uniquement)\n\n"
        "Le service état civil ferme à 17 h le vendredi. Pendant l'été (juillet et août), la mairie est fermée le "
        "samedi matin.",
    ),
    (
        "carte-identite-et-passeport",
        "Carte d'identité et passeport",
        "Sur rendez-vous, après une pré-demande en ligne ; délai de plusieurs semaines au printemps.",
        "citoyennete",
        Audience.BOTH,
        "carte d'identité, CNI, passeport, titre, rendez-vous, perte, vol",
        ["rendez-vous-titre-identite"],
        "La mairie d'Admiville reçoit les demandes de carte nationale d'identité et de passeport uniquement sur "
        "rendez-vous, quelle que soit votre commune de domicile.\n\n"
        "Avant le rendez-vous :\n1. faites la pré-demande en ligne sur le site de l'ANTS et notez son numéro ;\n"
        "2. achetez le timbre fiscal pour un passeport (86 € pour un adulte) ;\n"
        "3. réunissez une photo d'identité de moins de six mois et un justificatif de domicile.\n\n"
        "La présence du demandeur est obligatoire, enfant compris, pour la prise d'empreintes. Le titre est retiré "
        "en mairie dans les trois mois suivant le SMS de mise à disposition.\n\n"
        "En cas de perte ou de vol, la déclaration se fait au moment de la demande (vol : déclaration au commissariat "
        "d'abord).",
    ),
    (
        "actes-etat-civil",
        "Obtenir un acte de naissance, de mariage ou de décès",
        "Copie intégrale ou extrait, gratuit, envoyé par courrier ou par courriel sécurisé.",
        "etat-civil",
        Audience.BOTH,
        "acte de naissance, mariage, décès, état civil, copie intégrale, extrait",
        ["acte-naissance", "acte-mariage", "acte-deces"],
        "La mairie délivre les actes des événements survenus à Admiville (naissance, mariage, décès). "
        "La demande est gratuite.\n\n"
        "- Copie intégrale : réservée à la personne concernée, à ses ascendants, descendants et conjoint\n"
        "- Extrait avec filiation : mêmes personnes\n- Extrait sans filiation : toute personne\n\n"
        "Délai habituel : une semaine. Pour une naissance à l'étranger, adressez-vous au service central d'état "
        "civil de Nantes.",
    ),
    (
        "inscription-scolaire",
        "Inscrire son enfant à l'école",
        "Première inscription en maternelle ou à l'arrivée à Admiville : en mairie puis à l'école.",
        "enfance-ecole",
        Audience.BOTH,
        "école, inscription scolaire, maternelle, élémentaire, rentrée",
        ["inscription-scolaire"],
        "L'inscription se fait d'abord en mairie, de janvier à avril pour la rentrée de septembre, puis auprès du "
        "directeur de l'école désignée.\n\n"
        "Pièces à fournir :\n- le livret de famille ou un acte de naissance de l'enfant ;\n"
        "- un justificatif de domicile de moins de trois mois ;\n- le carnet de santé (vaccinations à jour).\n\n"
        "Une demande de dérogation (école hors secteur) est étudiée en commission en mai.",
    ),
    (
        "cantine-et-restauration-scolaire",
        "Cantine : inscription, menus et tarifs",
        "Inscription annuelle, réservation des repas au mois, tarif selon le quotient familial.",
        "enfance-ecole",
        Audience.BOTH,
        "cantine, restauration scolaire, repas, menus, tarifs, allergie, PAI",
        ["inscription-restauration-scolaire"],
        "La restauration scolaire accueille les enfants des écoles maternelles et élémentaires d'Admiville.\n\n"
        "- Inscription une fois par an, avant le 15 juillet\n- Réservation ou annulation des repas jusqu'au jeudi "
        "midi pour la semaine suivante\n- Tarif de 0,90 € à 4,20 € le repas selon le quotient familial\n\n"
        "Allergie ou régime médical : un projet d'accueil individualisé (PAI) est établi avec le médecin scolaire "
        "avant le premier repas. Les menus sont affichés à l'école chaque lundi.",
    ),
    (
        "accueil-telephonique-consignes",
        "Accueil téléphonique : consignes aux agents",
        "Ce que l'accueil répond directement, et quand créer une demande ou transférer l'appel.",
        "contact",
        Audience.AGENTS,
        "téléphone, accueil, consignes, transfert, rappel",
        [],
        "Répondez directement aux questions d'horaires, de pièces à fournir et de suivi d'une demande (la "
        "référence suffit pour retrouver le dossier).\n\n"
        "Créez une demande depuis la fiche de l'appel :\n- pour tout signalement (voirie, éclairage, propreté) ;\n"
        "- pour une demande d'acte quand la personne ne peut pas la faire en ligne.\n\n"
        "Transférez au service quand la question porte sur un dossier en cours d'instruction (urbanisme, CCAS). "
        "Si le service ne répond pas, notez « rappel à faire » avec le numéro de la personne.",
    ),
    (
        "passeport-urgence-consignes",
        "Passeport en urgence : consignes internes",
        "Les cas où l'état civil peut avancer un rendez-vous, et les justificatifs à demander.",
        "citoyennete",
        Audience.AGENTS,
        "passeport, urgence, rendez-vous, état civil",
        ["rendez-vous-titre-identite"],
        "Un rendez-vous peut être avancé pour un motif impérieux : décès ou maladie grave d'un proche à l'étranger, "
        "déplacement professionnel imprévu, examen ou concours.\n\n"
        "Demandez un justificatif (certificat médical, ordre de mission, convocation) et transférez au service état "
        "civil (poste 10), qui garde deux créneaux d'urgence chaque matin.",
    ),
]


def _load(organisation: Organisation, articles: list[tuple]) -> int:
    created = 0
    procedures = {p.slug: p for p in available_procedures(organisation).only("pk", "slug", "organisation_id")}
    for slug, title, summary, theme, audience, tags, procedure_slugs, body in articles:
        if Article.objects.filter(organisation=organisation, slug=slug).exists():
            continue
        create_article(
            organisation=organisation,
            slug=slug,
            title=title,
            summary=summary,
            body=body,
            theme=theme,
            tags=tags,
            audience=audience,
            status=ArticleStatus.PUBLISHED,
            procedures=[procedures[s] for s in procedure_slugs if s in procedures],
            actor=None,
        )
        created += 1
    return created


def load_knowledge_examples(*, epci: Organisation, organisation: Organisation) -> bool:
    """The EPCI's shared articles, Admiville's own (two for agents only) and Admiville's call subjects."""
    created = _load(epci, EPCI_ARTICLES) + _load(organisation, ADMIVILLE_ARTICLES)
    created += add_default_subjects(organisation=organisation, actor=None)
    return created > 0
