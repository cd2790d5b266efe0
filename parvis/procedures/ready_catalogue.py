"""The ready catalogue: the common procedures of a French commune, ready to publish (PRODUCT §4.3).

Each entry gives the catalogue page, the form (pages of fields, see docs/forms.md), the workflow
and the theme whose department processes it in a commune. Legal settings are only filled where
the rule is certain; the administrator completes them (issue 4 blocks publication when a mandatory
mention of the acknowledgment is missing).
"""

from __future__ import annotations

from typing import Any

from parvis.procedures import workflow as wf

ID_DOC = "Pièce d'identité en cours de validité"
HOME_PROOF = "Justificatif de domicile de moins de 3 mois"


def field(key: str, type_: str, label: str, required: bool = True, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label": label, "required": required, **extra}


def page(title: str, *fields: dict[str, Any]) -> dict[str, Any]:
    return {"title": title, "fields": list(fields)}


def requester_page() -> dict[str, Any]:
    return page(
        "Vos coordonnées",
        field("nom", "text", "Nom", prefill="last_name"),
        field("prenom", "text", "Prénom", prefill="first_name"),
        field("courriel", "email", "Adresse électronique", prefill="email"),
        field(
            "telephone",
            "phone",
            "Téléphone",
            required=False,
            prefill="phone",
            help="Pour vous joindre rapidement si une précision est nécessaire.",
        ),
    )


RELATION = [
    "La personne concernée elle-même",
    "Son conjoint ou partenaire",
    "Son père ou sa mère",
    "Son enfant",
    "Son grand-parent ou petit-enfant",
    "Son représentant légal",
    "Un héritier",
    "Un avocat",
]
DELIVERY = ["Envoi par courrier postal", "Retrait à l'accueil de la mairie"]


def civil_record_form(event: str, who_label: str, date_label: str) -> dict[str, Any]:
    return {
        "pages": [
            page(
                "L'acte demandé",
                field(
                    "type_acte",
                    "choice",
                    "Type de document",
                    choices=["Copie intégrale", "Extrait avec filiation", "Extrait sans filiation"],
                    help="La copie intégrale et l'extrait avec filiation ne sont délivrés qu'aux personnes "
                    "autorisées par la loi (personne concernée, ascendants, descendants, conjoint…).",
                ),
                field("nom_personne", "text", f"Nom de {who_label}"),
                field("prenoms_personne", "text", f"Prénom(s) de {who_label}"),
                field("date_evenement", "date", date_label),
                field(
                    "nom_pere",
                    "text",
                    "Nom et prénom du père",
                    required=False,
                    condition={"field": "type_acte", "in": ["Copie intégrale", "Extrait avec filiation"]},
                ),
                field(
                    "nom_mere",
                    "text",
                    "Nom de naissance et prénom de la mère",
                    required=False,
                    condition={"field": "type_acte", "in": ["Copie intégrale", "Extrait avec filiation"]},
                ),
                field("qualite", "choice", "Vous êtes", choices=RELATION),
                field("nombre", "number", "Nombre d'exemplaires", validation={"min": 1, "max": 5}),
            ),
            page(
                "Réception du document",
                field("mode", "choice", "Comment souhaitez-vous recevoir le document ?", choices=DELIVERY),
                field(
                    "adresse_envoi",
                    "address",
                    "Adresse d'envoi",
                    prefill="postal_address",
                    condition={"field": "mode", "equals": "Envoi par courrier postal"},
                ),
            ),
            requester_page(),
        ]
    }


CIVIL_RECORD_COMMON = {
    "theme": "etat-civil",
    "cost": "Gratuit",
    "usual_delay": "Envoi sous 5 jours ouvrés",
    "documents_needed": "",
    "silence_rule": "none",
    "department_slug": "etat-civil",
}

READY_CATALOGUE: list[dict[str, Any]] = [
    {
        **CIVIL_RECORD_COMMON,
        "slug": "acte-naissance",
        "title": "Demande d'acte de naissance",
        "summary": "Obtenir une copie intégrale ou un extrait d'acte de naissance d'une personne née dans la commune.",
        "who_may_apply": "La personne concernée (majeure ou émancipée), ses ascendants, descendants, conjoint ou "
        "partenaire de Pacs, son représentant légal ; toute personne pour un extrait sans filiation.",
        "form": civil_record_form("naissance", "la personne", "Date de naissance"),
        "workflow": wf.delivery_workflow("Acte envoyé"),
    },
    {
        **CIVIL_RECORD_COMMON,
        "slug": "acte-mariage",
        "title": "Demande d'acte de mariage",
        "summary": "Obtenir une copie intégrale ou un extrait d'acte d'un mariage célébré dans la commune.",
        "who_may_apply": "Les époux, leurs ascendants et descendants, leur représentant légal ; "
        "toute personne pour un extrait sans filiation.",
        "form": civil_record_form("mariage", "l'un des époux", "Date du mariage"),
        "workflow": wf.delivery_workflow("Acte envoyé"),
    },
    {
        **CIVIL_RECORD_COMMON,
        "slug": "acte-deces",
        "title": "Demande d'acte de décès",
        "summary": "Obtenir une copie d'acte de décès d'une personne décédée dans la commune.",
        "who_may_apply": "Toute personne peut obtenir une copie d'un acte de décès.",
        "form": civil_record_form("décès", "la personne décédée", "Date du décès"),
        "workflow": wf.delivery_workflow("Acte envoyé"),
    },
    {
        "slug": "inscription-listes-electorales",
        "title": "Inscription sur les listes électorales",
        "summary": "S'inscrire sur la liste électorale de la commune après un déménagement ou à sa majorité.",
        "theme": "citoyennete",
        "who_may_apply": "Les Français majeurs (et les ressortissants de l'Union européenne pour les élections "
        "municipales et européennes) domiciliés ou contribuables dans la commune.",
        "documents_needed": f"{ID_DOC}\n{HOME_PROOF}",
        "cost": "Gratuit",
        "usual_delay": "Le maire statue dans les 5 jours ; inscription possible jusqu'au 6e vendredi avant un scrutin",
        "silence_rule": "none",
        "department_slug": "etat-civil",
        "form": {
            "pages": [
                page(
                    "Votre identité",
                    field("nom_naissance", "text", "Nom de naissance", prefill="last_name"),
                    field("nom_usage", "text", "Nom d'usage", required=False),
                    field("prenoms", "text", "Prénom(s)", prefill="first_name"),
                    field("date_naissance", "date", "Date de naissance", prefill="birth_date"),
                    field("lieu_naissance", "text", "Commune et département (ou pays) de naissance"),
                    field(
                        "nationalite",
                        "choice",
                        "Nationalité",
                        choices=["Française", "Ressortissant d'un autre pays de l'Union européenne"],
                    ),
                ),
                page(
                    "Votre attache avec la commune",
                    field(
                        "motif",
                        "choice",
                        "Vous vous inscrivez au titre de",
                        choices=[
                            "Domicile dans la commune",
                            "Résidence depuis au moins 6 mois",
                            "Contribuable depuis au moins 2 ans",
                            "Gérant d'une société contribuable",
                        ],
                    ),
                    field("adresse", "address", "Adresse dans la commune", prefill="postal_address"),
                    field("piece_identite", "file", "Pièce d'identité", validation={"max_files": 2, "max_mb": 5}),
                    field(
                        "justificatif_domicile",
                        "file",
                        "Justificatif de domicile de moins de 3 mois",
                        validation={"max_files": 2, "max_mb": 5},
                    ),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "recensement-citoyen",
        "title": "Recensement citoyen obligatoire (16 ans)",
        "summary": "Se faire recenser entre le jour des 16 ans et la fin du 3e mois qui suit, "
        "pour recevoir l'attestation de recensement.",
        "theme": "citoyennete",
        "who_may_apply": "Le jeune lui-même ou son représentant légal.",
        "documents_needed": f"{ID_DOC} du jeune\nLivret de famille",
        "cost": "Gratuit",
        "usual_delay": "Attestation de recensement délivrée sous 10 jours",
        "silence_rule": "none",
        "department_slug": "etat-civil",
        "form": {
            "pages": [
                page(
                    "Le jeune à recenser",
                    field("nom_naissance", "text", "Nom de naissance"),
                    field("prenoms", "text", "Prénom(s)"),
                    field("date_naissance", "date", "Date de naissance"),
                    field("lieu_naissance", "text", "Commune de naissance"),
                    field("adresse", "address", "Adresse", prefill="postal_address"),
                    field(
                        "situation",
                        "choice",
                        "Situation scolaire ou professionnelle",
                        choices=["Collégien ou lycéen", "Apprenti", "Étudiant", "Salarié", "Sans activité"],
                    ),
                    field("piece_identite", "file", "Pièce d'identité du jeune", validation={"max_files": 2}),
                ),
                page(
                    "Les parents",
                    field("nom_pere", "text", "Nom et prénom du père", required=False),
                    field("nom_mere", "text", "Nom et prénom de la mère", required=False),
                    field(
                        "livret_famille",
                        "file",
                        "Livret de famille (pages parents et enfant)",
                        validation={"max_files": 4},
                    ),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.delivery_workflow("Attestation délivrée"),
    },
    {
        "slug": "rendez-vous-titre-identite",
        "title": "Rendez-vous pour une carte d'identité ou un passeport",
        "summary": "Demander un rendez-vous au service des titres d'identité après la pré-demande en ligne.",
        "theme": "etat-civil",
        "who_may_apply": "Toute personne, quelle que soit sa commune de résidence.",
        "documents_needed": "Numéro de pré-demande en ligne\nPhoto d'identité de moins de 6 mois\n"
        f"{HOME_PROOF}\nAncien titre le cas échéant\nTimbre fiscal pour un passeport",
        "cost": "Carte d'identité gratuite (25 € en cas de perte ou vol) ; passeport : timbre fiscal",
        "usual_delay": "Rendez-vous proposé selon les disponibilités",
        "silence_rule": "none",
        "department_slug": "etat-civil",
        "form": {
            "pages": [
                page(
                    "Votre demande de titre",
                    field(
                        "titre",
                        "choice",
                        "Titre demandé",
                        choices=["Carte nationale d'identité", "Passeport", "Carte d'identité et passeport"],
                    ),
                    field(
                        "motif",
                        "choice",
                        "Motif",
                        choices=["Première demande", "Renouvellement", "Perte", "Vol", "Changement d'état civil"],
                    ),
                    field(
                        "numero_predemande",
                        "text",
                        "Numéro de pré-demande",
                        required=False,
                        help="Il figure sur le récapitulatif de votre pré-demande en ligne (10 caractères).",
                        validation={"pattern": "^[A-Za-z0-9]{10}$"},
                    ),
                    field(
                        "nombre_personnes", "number", "Nombre de personnes concernées", validation={"min": 1, "max": 6}
                    ),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "inscription-scolaire",
        "title": "Inscription scolaire",
        "summary": "Inscrire un enfant dans une école maternelle ou élémentaire publique de la commune.",
        "theme": "enfance-ecole",
        "who_may_apply": "Les parents ou le représentant légal de l'enfant.",
        "documents_needed": f"Livret de famille ou acte de naissance de l'enfant\n{HOME_PROOF}\n"
        "Carnet de vaccinations (vaccins obligatoires)",
        "cost": "Gratuit",
        "usual_delay": "Réponse sous 3 semaines",
        "silence_rule": "none",
        "department_slug": "scolaire",
        "form": {
            "pages": [
                page(
                    "L'enfant",
                    field("enfant", "household_member", "Enfant à inscrire"),
                    field(
                        "niveau",
                        "choice",
                        "Niveau à la rentrée",
                        choices=[
                            "Petite section",
                            "Moyenne section",
                            "Grande section",
                            "CP",
                            "CE1",
                            "CE2",
                            "CM1",
                            "CM2",
                        ],
                    ),
                    field(
                        "ecole_souhaitee",
                        "text",
                        "École souhaitée",
                        required=False,
                        help="L'affectation dépend du secteur scolaire de votre adresse.",
                    ),
                    field(
                        "fratrie",
                        "checkbox",
                        "Un frère ou une sœur est déjà scolarisé dans cette école",
                        required=False,
                    ),
                ),
                page(
                    "Pièces justificatives",
                    field(
                        "livret_famille", "file", "Livret de famille ou acte de naissance", validation={"max_files": 4}
                    ),
                    field("justificatif_domicile", "file", "Justificatif de domicile", validation={"max_files": 2}),
                    field("vaccinations", "file", "Pages vaccinations du carnet de santé", validation={"max_files": 4}),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "inscription-restauration-scolaire",
        "title": "Inscription à la restauration scolaire",
        "summary": "Inscrire un enfant à la cantine pour l'année scolaire.",
        "theme": "enfance-ecole",
        "who_may_apply": "Les parents ou le représentant légal d'un enfant scolarisé dans la commune.",
        "documents_needed": "Attestation de quotient familial (facultative, pour le tarif réduit)",
        "cost": "Selon le quotient familial, facturé chaque mois",
        "usual_delay": "Inscription effective sous 5 jours ouvrés",
        "silence_rule": "none",
        "department_slug": "scolaire",
        "form": {
            "pages": [
                page(
                    "L'enfant et ses repas",
                    field("enfant", "household_member", "Enfant"),
                    field("ecole", "text", "École fréquentée"),
                    field(
                        "jours",
                        "multiple_choice",
                        "Jours de restauration",
                        choices=["Lundi", "Mardi", "Jeudi", "Vendredi"],
                    ),
                    field("regime", "choice", "Régime alimentaire", choices=["Standard", "Sans porc", "Végétarien"]),
                    field(
                        "quotient_familial",
                        "number",
                        "Quotient familial CAF (pour le tarif)",
                        required=False,
                        prefill="quotient_familial",
                        help="Rempli pour vous si vous l'avez obtenu auprès de la CAF dans « Mes données » ; "
                        "sinon, indiquez-le et joignez votre attestation, ou laissez vide pour le tarif plein.",
                    ),
                    field(
                        "attestation_qf",
                        "file",
                        "Attestation de quotient familial",
                        required=False,
                        help="Inutile si le quotient a été obtenu directement auprès de la CAF.",
                    ),
                    field(
                        "allergie",
                        "checkbox",
                        "L'enfant a une allergie ou un projet d'accueil individualisé (PAI)",
                        required=False,
                    ),
                    field(
                        "allergie_detail",
                        "long_text",
                        "Précisez l'allergie ou le PAI",
                        condition={"field": "allergie", "equals": True},
                    ),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "place-creche",
        "title": "Demande de place en crèche",
        "summary": "Demander une place d'accueil régulier pour un enfant de moins de 3 ans "
        "dans un établissement municipal.",
        "theme": "enfance-ecole",
        "who_may_apply": "Les parents résidant dans la commune.",
        "documents_needed": f"{HOME_PROOF}\nAttestation de quotient familial de la CAF",
        "cost": "Selon le barème national de la CNAF",
        "usual_delay": "Décision en commission d'attribution",
        "silence_rule": "none",
        "department_slug": "scolaire",
        "form": {
            "pages": [
                page(
                    "L'enfant et l'accueil souhaité",
                    field("enfant", "household_member", "Enfant (ou enfant à naître)"),
                    field("date_entree", "date", "Date d'entrée souhaitée"),
                    field(
                        "jours",
                        "multiple_choice",
                        "Jours d'accueil souhaités",
                        choices=["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"],
                    ),
                    field("horaires", "text", "Horaires souhaités", help="Par exemple : 8 h 30 – 17 h 30"),
                    field("quotient", "file", "Attestation de quotient familial", required=False),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "signalement-espace-public",
        "title": "Signaler un problème sur l'espace public",
        "summary": "Nid-de-poule, éclairage en panne, dépôt sauvage, mobilier urbain cassé : "
        "signalez-le, vous serez informé de l'intervention.",
        "theme": "espace-public",
        "who_may_apply": "Toute personne.",
        "documents_needed": "",
        "cost": "Gratuit",
        "usual_delay": "Prise en compte sous 48 heures ouvrées",
        "silence_rule": "none",
        "department_slug": "voirie",
        "form": {
            "pages": [
                page(
                    "Le problème",
                    field(
                        "categorie",
                        "choice",
                        "Catégorie",
                        choices=[
                            "Chaussée ou trottoir abîmé",
                            "Éclairage public",
                            "Dépôt sauvage",
                            "Propreté",
                            "Mobilier urbain",
                            "Espaces verts",
                            "Signalisation",
                            "Autre",
                        ],
                    ),
                    field(
                        "adresse",
                        "address",
                        "Adresse ou lieu précis",
                        help="Le numéro le plus proche ou un repère (arrêt de bus, commerce…).",
                    ),
                    field("position", "map_point", "Position sur la carte (facultatif)", required=False),
                    field("description", "long_text", "Description", validation={"max_length": 2000}),
                    field(
                        "photos",
                        "file",
                        "Photos",
                        required=False,
                        validation={
                            "max_files": 5,
                            "max_mb": 8,
                            "allowed_types": ["image/jpeg", "image/png", "image/webp"],
                        },
                    ),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.intervention_workflow(),
    },
    {
        "slug": "collecte-encombrants",
        "title": "Collecte des encombrants sur rendez-vous",
        "summary": "Faire enlever gratuitement vos objets volumineux devant votre domicile.",
        "theme": "dechets",
        "who_may_apply": "Les particuliers résidant dans une commune de l'agglomération.",
        "documents_needed": "",
        "cost": "Gratuit dans la limite de 2 m³ par collecte",
        "usual_delay": "Collecte sous 15 jours",
        "silence_rule": "none",
        "department_slug": "collecte-dechets",
        "form": {
            "pages": [
                page(
                    "Vos objets",
                    field(
                        "objets",
                        "repeated_block",
                        "Objets à enlever",
                        fields=[
                            field("objet", "text", "Objet", help="Par exemple : canapé, matelas, armoire"),
                            field("quantite", "number", "Quantité", validation={"min": 1, "max": 20}),
                        ],
                    ),
                    field("volume", "choice", "Volume total estimé", choices=["Moins de 1 m³", "De 1 à 2 m³"]),
                    field("adresse", "address", "Adresse de collecte", prefill="postal_address"),
                    field(
                        "acces",
                        "long_text",
                        "Informations d'accès",
                        required=False,
                        help="Digicode, étage, contraintes de stationnement…",
                    ),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.intervention_workflow(),
    },
    {
        "slug": "demande-intervention",
        "title": "Demande d'intervention des services techniques",
        "summary": "Demander une intervention des services techniques (élagage, réparation, "
        "nettoyage après un événement…).",
        "theme": "espace-public",
        "who_may_apply": "Les habitants, associations et entreprises de la commune.",
        "documents_needed": "",
        "cost": "Gratuit sur le domaine public",
        "usual_delay": "Réponse sous 10 jours",
        "silence_rule": "none",
        "department_slug": "voirie",
        "form": {
            "pages": [
                page(
                    "L'intervention",
                    field(
                        "nature",
                        "choice",
                        "Nature de l'intervention",
                        choices=["Élagage ou taille", "Réparation", "Nettoyage", "Prêt de matériel", "Autre"],
                    ),
                    field("adresse", "address", "Lieu de l'intervention"),
                    field("description", "long_text", "Description de la demande"),
                    field("date_souhaitee", "date", "Date souhaitée", required=False),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.intervention_workflow(),
    },
    {
        "slug": "question-elus",
        "title": "Poser une question ou adresser une réclamation aux élus",
        "summary": "Écrire au maire ou à un adjoint : question, suggestion ou réclamation.",
        "theme": "contact",
        "who_may_apply": "Toute personne.",
        "documents_needed": "",
        "cost": "Gratuit",
        "usual_delay": "Réponse sous 1 mois",
        "silence_rule": "none",
        "department_slug": "accueil",
        "form": {
            "pages": [
                page(
                    "Votre message",
                    field("nature", "choice", "Nature du message", choices=["Question", "Suggestion", "Réclamation"]),
                    field(
                        "destinataire",
                        "choice",
                        "Destinataire",
                        choices=[
                            "Le maire",
                            "L'adjoint chargé de la voirie",
                            "L'adjoint chargé de l'enfance",
                            "L'adjoint chargé de la culture et du sport",
                            "Je ne sais pas",
                        ],
                    ),
                    field("objet", "text", "Objet", validation={"max_length": 150}),
                    field("message", "long_text", "Votre message", validation={"max_length": 5000}),
                    field("reponse", "choice", "Réponse souhaitée par", choices=["Courriel", "Courrier postal"]),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.answer_workflow(),
    },
    {
        "slug": "debit-boissons-temporaire",
        "title": "Autorisation temporaire d'ouverture d'un débit de boissons (buvette)",
        "summary": "Tenir une buvette lors d'une manifestation publique organisée par une association.",
        "theme": "economie",
        "who_may_apply": "Les associations organisatrices d'une manifestation publique.",
        "documents_needed": "Statuts de l'association (première demande)\nProgramme de la manifestation",
        "cost": "Gratuit",
        "usual_delay": "Demande à déposer au moins 15 jours avant la manifestation",
        "silence_rule": "none",
        "department_slug": "accueil",
        "form": {
            "pages": [
                page(
                    "La manifestation",
                    field("association", "text", "Nom de l'association"),
                    field(
                        "rna",
                        "text",
                        "Numéro RNA",
                        required=False,
                        validation={"pattern": "^W\\d{9}$"},
                        help="W suivi de 9 chiffres.",
                    ),
                    field("manifestation", "text", "Nature de la manifestation"),
                    field("lieu", "address", "Lieu de la manifestation"),
                    field("date_debut", "date", "Premier jour"),
                    field("date_fin", "date", "Dernier jour"),
                    field(
                        "groupe",
                        "choice",
                        "Boissons vendues",
                        choices=[
                            "Boissons sans alcool uniquement (groupe 1)",
                            "Boissons fermentées non distillées : bière, vin, cidre (groupe 3)",
                        ],
                    ),
                    field("statuts", "file", "Statuts de l'association", required=False),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "brulage-dechets-verts",
        "title": "Demande de dérogation pour le brûlage de déchets verts",
        "summary": "Le brûlage des déchets verts est interdit ; une dérogation peut être étudiée dans des cas "
        "limités (zone non desservie par une collecte, obligation de débroussaillement).",
        "theme": "dechets",
        "who_may_apply": "Les propriétaires ou occupants d'un terrain de la commune.",
        "documents_needed": "Plan de situation du terrain",
        "cost": "Gratuit",
        "usual_delay": "Réponse sous 15 jours",
        "silence_rule": "none",
        "department_slug": "services-techniques",
        "form": {
            "pages": [
                page(
                    "Le terrain et les déchets",
                    field("adresse", "address", "Adresse du terrain"),
                    field("parcelle", "text", "Référence cadastrale", required=False),
                    field(
                        "motif",
                        "choice",
                        "Motif de la demande",
                        choices=[
                            "Obligation légale de débroussaillement",
                            "Terrain non desservi par une collecte",
                            "Végétaux malades (avis phytosanitaire)",
                        ],
                    ),
                    field("volume", "number", "Volume estimé (m³)", validation={"min": 1, "max": 100}),
                    field("date_souhaitee", "date", "Date souhaitée"),
                    field("plan", "file", "Plan de situation", validation={"max_files": 2}),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "occupation-domaine-public",
        "title": "Occupation temporaire du domaine public (échafaudage, benne, déménagement)",
        "summary": "Obtenir un permis de stationnement ou une autorisation de voirie pour occuper "
        "temporairement la voie publique.",
        "theme": "espace-public",
        "who_may_apply": "Les particuliers et les entreprises.",
        "documents_needed": "Plan d'implantation\nAttestation d'assurance de l'entreprise",
        "cost": "Redevance selon les tarifs votés par le conseil municipal",
        "usual_delay": "Demande à déposer au moins 10 jours avant l'occupation",
        "silence_rule": "none",
        "department_slug": "voirie",
        "form": {
            "pages": [
                page(
                    "L'occupation",
                    field(
                        "nature",
                        "choice",
                        "Nature de l'occupation",
                        choices=[
                            "Déménagement",
                            "Benne ou dépôt de matériaux",
                            "Échafaudage",
                            "Emprise de chantier",
                            "Terrasse ou étalage",
                        ],
                    ),
                    field("adresse", "address", "Adresse"),
                    field("date_debut", "date", "Du"),
                    field("date_fin", "date", "Au"),
                    field("surface", "number", "Surface occupée (m²)", validation={"min": 1, "max": 500}),
                    field("entreprise", "checkbox", "La demande est faite par une entreprise", required=False),
                    field("siret", "siret", "SIRET de l'entreprise", condition={"field": "entreprise", "equals": True}),
                    field("plan", "file", "Plan d'implantation", required=False),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "certificat-urbanisme",
        "title": "Demande de certificat d'urbanisme d'information",
        "summary": "Connaître les règles d'urbanisme, les limitations administratives et les taxes "
        "applicables à un terrain (certificat d'urbanisme « a »).",
        "theme": "urbanisme",
        "who_may_apply": "Toute personne.",
        "documents_needed": "Plan de situation du terrain (formulaire Cerfa n° 13410 pour un dépôt papier)",
        "cost": "Gratuit",
        "usual_delay": "1 mois",
        "silence_rule": "sva",
        "silence_period": 1,
        "silence_unit": "months",
        "legal_basis": "Code de l'urbanisme, articles L410-1, R410-9 et R410-12 (certificat tacite)",
        "department_slug": "urbanisme",
        "form": {
            "pages": [
                page(
                    "Le terrain",
                    field("adresse", "address", "Adresse du terrain"),
                    field("parcelles", "text", "Références cadastrales", help="Section et numéro, par exemple AB 123"),
                    field("superficie", "number", "Superficie totale (m²)", validation={"min": 1}),
                    field("plan", "file", "Plan de situation", validation={"max_files": 2}),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.delivery_workflow("Certificat délivré"),
    },
    {
        "slug": "reservation-salle",
        "title": "Réservation d'une salle municipale",
        "summary": "Réserver une salle municipale pour une réunion, une fête familiale ou un événement associatif.",
        "theme": "culture-sport",
        "who_may_apply": "Les habitants et les associations de la commune.",
        "documents_needed": "Attestation d'assurance responsabilité civile",
        "cost": "Selon les tarifs votés par le conseil municipal",
        "usual_delay": "Réponse sous 10 jours",
        "silence_rule": "none",
        "department_slug": "culture-sport",
        "form": {
            "pages": [
                page(
                    "La réservation",
                    field(
                        "salle",
                        "choice",
                        "Salle",
                        choices=["Salle des fêtes", "Salle polyvalente", "Salle de réunion de la mairie"],
                    ),
                    field("date", "date", "Date"),
                    field("horaires", "text", "Horaires", help="Par exemple : de 18 h à 23 h"),
                    field("personnes", "number", "Nombre de personnes attendues", validation={"min": 1, "max": 500}),
                    field("objet", "text", "Objet de la réservation"),
                    field("assurance", "file", "Attestation d'assurance", required=False),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.default_workflow(),
    },
    {
        "slug": "inscription-mediatheque",
        "title": "Inscription à la médiathèque",
        "summary": "S'inscrire ou inscrire un enfant à la médiathèque pour emprunter livres, films et musique.",
        "theme": "culture-sport",
        "who_may_apply": "Toute personne ; gratuit pour les moins de 18 ans.",
        "documents_needed": HOME_PROOF,
        "cost": "Gratuit pour les moins de 18 ans ; 10 € par an pour les adultes",
        "usual_delay": "Carte à retirer sous 48 heures",
        "silence_rule": "none",
        "department_slug": "culture-sport",
        "form": {
            "pages": [
                page(
                    "L'abonnement",
                    field("abonne", "household_member", "Personne à inscrire"),
                    field("formule", "choice", "Formule", choices=["Jeune (moins de 18 ans)", "Adulte", "Famille"]),
                    field("justificatif_domicile", "file", "Justificatif de domicile", validation={"max_files": 1}),
                ),
                requester_page(),
            ]
        },
        "workflow": wf.delivery_workflow("Carte prête"),
    },
]


# --- Legal settings (issue 4) --------------------------------------------------------------------
# What each procedure is in law: a demande (a decision is due: silence vaut accord or rejet, with its
# delay and the text it comes from), a déclaration or an information (signalement, question,
# appointment: no decision, no implicit decision). The accusé de réception is built from them.
# Where the exact rule could not be checked against the current text, the safest reading is kept and
# the legal basis says « à vérifier par la collectivité » rather than claiming a certainty we lack.
# Who decides and the administrative court come from the collectivité's own settings.

CRPA = "Code des relations entre le public et l'administration (CRPA)"
TO_CHECK = "(à vérifier par la collectivité)"
INFORMATION: dict[str, Any] = {"legal_nature": "information", "silence_rule": "none", "silence_period": None}
DECLARATION: dict[str, Any] = {"legal_nature": "declaration", "silence_rule": "none", "silence_period": None}


def sva(months: int, basis: str) -> dict[str, Any]:
    return {
        "legal_nature": "demande",
        "silence_rule": "sva",
        "silence_period": months,
        "silence_unit": "months",
        "legal_basis": basis,
    }


def svr(period: int, basis: str, unit: str = "months") -> dict[str, Any]:
    return {
        "legal_nature": "demande",
        "silence_rule": "svr",
        "silence_period": period,
        "silence_unit": unit,
        "legal_basis": basis,
    }


CIVIL_RECORD_LEGAL = sva(
    2,
    f"{CRPA}, art. L231-1 (le silence gardé deux mois vaut acceptation) ; délivrance des copies et extraits "
    f"d'actes : décret n° 2017-890 du 6 mai 2017 {TO_CHECK}",
)

LEGAL_SETTINGS: dict[str, dict[str, Any]] = {
    "acte-naissance": CIVIL_RECORD_LEGAL,
    "acte-mariage": CIVIL_RECORD_LEGAL,
    "acte-deces": CIVIL_RECORD_LEGAL,
    "inscription-listes-electorales": svr(
        5,
        "Code électoral, art. L18 (décision du maire dans les cinq jours ; recours administratif préalable "
        "obligatoire devant la commission de contrôle, art. L18 III et L19 ; puis tribunal judiciaire, art. L20) ; "
        f"CRPA, art. L231-4 {TO_CHECK}",
        unit="days",
    )
    | {
        # Electoral rolls have their own recourse route: a RAPO before the commission de contrôle within five
        # days of the notification (Code électoral L18 III), then the tribunal judiciaire (L20).
        "recourse_period": 5,
        "recourse_unit": "days",
        "recourse_mandatory_preliminary": True,
        "recourse_preliminary_to": "la commission de contrôle des listes électorales",
        "recourse_court_kind": "judicial",
    },
    "recensement-citoyen": {
        **DECLARATION,
        "legal_basis": "Code du service national, art. L113-1 (recensement obligatoire, attestation délivrée)",
    },
    "rendez-vous-titre-identite": INFORMATION,
    "inscription-scolaire": sva(2, f"Code de l'éducation, art. L131-5 et L131-6 ; {CRPA}, art. L231-1 {TO_CHECK}"),
    "inscription-restauration-scolaire": sva(2, f"Code de l'éducation, art. L131-13 ; {CRPA}, art. L231-1 {TO_CHECK}"),
    "place-creche": svr(
        2,
        f"{CRPA}, art. L231-4 et L231-5 ; décret n° 2016-625 du 19 mai 2016 (services à capacité limitée "
        f"des collectivités territoriales) {TO_CHECK}",
    ),
    "signalement-espace-public": INFORMATION,
    "collecte-encombrants": INFORMATION,
    "demande-intervention": INFORMATION,
    "question-elus": INFORMATION,
    "debit-boissons-temporaire": svr(
        2,
        f"Code de la santé publique, art. L3334-2 ; {CRPA}, art. L231-4 et décret n° 2015-1459 du "
        f"10 novembre 2015 (ordre public) {TO_CHECK}",
    ),
    "brulage-dechets-verts": svr(
        2,
        f"Code de l'environnement, art. L541-21-1 ; règlement sanitaire départemental ; {CRPA}, art. L231-4 {TO_CHECK}",
    ),
    "occupation-domaine-public": svr(
        2,
        "Code général de la propriété des personnes publiques, art. L2122-1 ; "
        f"{CRPA}, art. L231-5 et décret n° 2015-1461 du 10 novembre 2015 {TO_CHECK}",
    ),
    "certificat-urbanisme": sva(
        1,
        "Code de l'urbanisme, art. L410-1, R410-9 et R410-12 (certificat d'urbanisme tacite au terme d'un mois)",
    ),
    "reservation-salle": svr(
        2,
        f"Code général des collectivités territoriales, art. L2144-3 ; {CRPA}, art. L231-4 et décret "
        f"n° 2016-625 du 19 mai 2016 {TO_CHECK}",
    ),
    "inscription-mediatheque": sva(2, f"{CRPA}, art. L231-1 (règle générale) {TO_CHECK}"),
}

# Durée d'utilité administrative (years after the file is closed) and sort final of each procedure's files.
# Instruction DAF/DPACI/RES/2009/018 gives the principles; the values for these téléservice requests are our
# reading, conservative where unsure (docs/legal.md lists them): the collectivité fixes them with its
# Archives départementales, and nothing is ever destroyed without their visa.
RETENTION: dict[str, tuple[int, str]] = {
    "acte-naissance": (1, "destroy"),  # the request only: the acte itself stays in the registers
    "acte-mariage": (1, "destroy"),
    "acte-deces": (1, "destroy"),
    "inscription-listes-electorales": (5, "destroy"),  # past the recourse and the next elections; UNCONFIRMED
    "recensement-citoyen": (5, "destroy"),  # the attestation may be asked again until 25; UNCONFIRMED
    "rendez-vous-titre-identite": (1, "destroy"),  # the title file itself is the prefecture's (ANTS)
    "inscription-scolaire": (5, "destroy"),  # UNCONFIRMED
    "inscription-restauration-scolaire": (5, "destroy"),  # billing pieces follow the accounting rules
    "place-creche": (5, "destroy"),  # UNCONFIRMED
    "signalement-espace-public": (2, "destroy"),
    "collecte-encombrants": (1, "destroy"),
    "demande-intervention": (2, "destroy"),
    "question-elus": (2, "sort"),  # correspondence with the elected officials: sorted by the archivist
    "debit-boissons-temporaire": (5, "destroy"),  # UNCONFIRMED
    "brulage-dechets-verts": (5, "destroy"),  # UNCONFIRMED
    "occupation-domaine-public": (10, "destroy"),  # a fee (redevance) may follow: conservative
    "certificat-urbanisme": (10, "sort"),  # urbanism files are kept longer and sorted; UNCONFIRMED
    "reservation-salle": (5, "destroy"),  # a fee may follow: UNCONFIRMED
    "inscription-mediatheque": (2, "destroy"),
}

for _entry in READY_CATALOGUE:
    _entry.update(LEGAL_SETTINGS[_entry["slug"]])
    _entry["retention_years"], _entry["final_disposition"] = RETENTION[_entry["slug"]]
