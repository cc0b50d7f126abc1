"""The seventeen partners of the departmental strategy, named for the served département.

Names with `{dep}` take the département's name; a département can have its own exact names in PARTNERS_BY_DEPARTEMENT.
"""

GENERIC_PARTNERS = [
    ("Caisse d'allocations familiales de {dep}", "CAF"),
    ("MSA de {dep}", "MSA"),
    ("Caisse primaire d'assurance maladie de {dep}", "CPAM"),
    ("France Travail — direction territoriale de {dep}", "FT"),
    ("Urssaf — {dep}", "Autre"),
    ("Cap Emploi {code}", "CAP_EMPLOI"),
    ("Carsat — {dep}", "Autre"),
    ("Conférence des financeurs de la prévention de la perte d'autonomie de {dep}", "CD"),
    ("Mutualité Française — {dep}", "Autre"),
    ("Orange", "Autre"),
    ("La Poste", "LA_POSTE"),
    ("SNCF", "Autre"),
    ("Campus numérique {code}", "OF"),
    ("{dep} Numérique", "Autre"),
    ("Mission locale de {city1}", "ML"),
    ("Mission locale de {city2}", "ML"),
    ("Mission locale de {city3}", "ML"),
]

PARTNERS_BY_DEPARTEMENT = {
    "47": [
        ("Caisse d'allocations familiales de Lot-et-Garonne", "CAF"),
        ("MSA Dordogne, Lot-et-Garonne", "MSA"),
        ("CPAM de Lot-et-Garonne", "CPAM"),
        ("France Travail Lot-et-Garonne", "FT"),
        ("Urssaf Aquitaine", "Autre"),
        ("Cap Emploi 47", "CAP_EMPLOI"),
        ("Carsat Aquitaine", "Autre"),
        ("Conférence des financeurs de Lot-et-Garonne / CNSA", "CD"),
        ("Mutualité Française Nouvelle-Aquitaine", "Autre"),
        ("Orange", "Autre"),
        ("La Poste", "LA_POSTE"),
        ("SNCF", "Autre"),
        ("Campus Numérique 47", "OF"),
        ("Lot-et-Garonne Numérique", "Autre"),
        ("Mission Locale de l'Agenais, de l'Albret et du Confluent", "ML"),
        ("Mission Locale de la Moyenne Garonne", "ML"),
        ("Mission Locale du Pays Villeneuvois", "ML"),
    ],
}

# Kinds of structures that make up a network of ~250 places, with their weight and the typology code they carry.
NETWORK_KINDS = [
    ("France Services de {commune}", "MSAP", 18),
    ("Médiathèque de {commune}", "BIB", 40),
    ("CCAS de {commune}", "CCAS", 40),
    ("Centre social de {commune}", "CS", 22),
    ("Mairie de {commune}", "MUNI", 45),
    ("Espace public numérique de {commune}", "EPN", 20),
    ("Association Clic & Lien — {commune}", "ASSO", 14),
    ("Tiers-lieu numérique de {commune}", "TIERS_LIEUX", 10),
    ("Maison départementale des solidarités de {commune}", "MDS", 12),
    ("Point information jeunesse de {commune}", "PIJ_BIJ", 8),
    ("Résidence sociale de {commune}", "RS_FJT", 4),
    ("Atelier d'insertion numérique de {commune}", "ACI", 3),
]
