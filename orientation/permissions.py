"""Who may run a diagnostic with a person. The public diagnostic (/diagnostic/) is open to everyone; the person
itself is always read through `Person.objects.visible_to(user)`, so a person out of reach answers 404."""

from people.permissions import person_organizations


def diagnostic_organizations(user, person):
    """The organisations on whose behalf `user` may attach a diagnostic to `person`: those where the user is
    prescriber, mediator or organisation admin and which are involved with the person, by name."""
    involved = set(person.involvements.values_list("organization_id", flat=True))
    return [organization for organization in person_organizations(user) if organization.pk in involved]


def can_run_diagnostic_for(user, person):
    """Prescribers, mediators and organisation admins of an organisation involved with the person, unless the
    record is anonymised. Coordinators and administrators see every person but do not accompany them: they do
    not attach diagnostics. Partner viewers and refurbishers never see the person (404 before this check)."""
    return not person.is_anonymized and bool(diagnostic_organizations(user, person))
