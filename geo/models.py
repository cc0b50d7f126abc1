from django.conf import settings
from django.db import models

from geo.text import normalize_name


class DepartementQuerySet(models.QuerySet):
    def served(self):
        """The département the platform serves (`settings.PLATFORM_DEPARTEMENT`); DoesNotExist until the territory
        is loaded (`manage.py load_territory`)."""
        return self.get(pk=settings.PLATFORM_DEPARTEMENT)


class Departement(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region_code = models.CharField("code de la région", max_length=3, blank=True)

    objects = DepartementQuerySet.as_manager()

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Epci(models.Model):
    code = models.CharField("SIREN de l'EPCI", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature juridique", max_length=10, blank=True)

    class Meta:
        verbose_name = "EPCI"
        verbose_name_plural = "EPCI"
        ordering = ["name"]

    def __str__(self):
        return self.name


class CommuneQuerySet(models.QuerySet):
    def in_served_departement(self):
        """Communes of the département the platform serves (`settings.PLATFORM_DEPARTEMENT`)."""
        return self.filter(departement_id=settings.PLATFORM_DEPARTEMENT)

    def search(self, text, *, limit=10, prefer_departement=None):
        """A list of up to `limit` communes matching a free text: an INSEE code, a postal code, the start of words
        of the name, or an autocomplete label such as "Agen (47000)".

        Case, accents, hyphens and the abbreviations "st"/"ste" are ignored; results come in a stable order
        (exact name first, then names starting with the text, then by population). With `prefer_departement`
        (a code, e.g. `settings.PLATFORM_DEPARTEMENT`) that département's communes come first.
        See geo/lookup.py.
        """
        from geo.lookup import search_communes

        return search_communes(self, text, limit=limit, prefer_departement=prefer_departement)


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField("nom normalisé", max_length=100, db_index=True, editable=False)
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes")
    population = models.PositiveIntegerField("population", default=0)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    postal_codes = models.JSONField("codes postaux", default=list, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["name"]
        indexes = [models.Index(fields=["departement", "search_name"], name="geo_commune_dept_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.departement_id})"

    def save(self, *args, **kwargs):
        self.search_name = normalize_name(self.name)
        super().save(*args, **kwargs)

    @property
    def point(self):
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    @property
    def label(self):
        """ "Agen (47000)": the name with the first postal code, as the autocomplete shows it and the form reads it."""
        codes = self.postal_codes[:1]
        return f"{self.name} ({codes[0]})" if codes else f"{self.name} ({self.insee_code})"


class PostalCode(models.Model):
    """One row per (postal code, commune): a postal code can serve several communes and the reverse."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_code_rows")

    class Meta:
        verbose_name = "code postal"
        constraints = [models.UniqueConstraint(fields=["code", "commune"], name="geo_postalcode_unique")]

    def __str__(self):
        return self.code


class CommuneWord(models.Model):
    """Each word of a commune's normalized name after the first one, so that a search on a later word
    ("sylvestre", "lot") uses an index instead of scanning every commune. Written by the territory loader."""

    word = models.CharField("mot", max_length=100, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "mot d'un nom de commune"
        constraints = [models.UniqueConstraint(fields=["word", "commune"], name="geo_communeword_unique")]

    def __str__(self):
        return self.word


def later_words(search_name):
    """The words of a normalized name that a CommuneWord row indexes: all but the first."""
    return sorted(set(search_name.split()[1:]))
