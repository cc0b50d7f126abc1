"""The doors on the home page: each app offers its public entry points from its AppConfig.ready() (core knows none
of them), e.g. `register_door("Trouver de l'aide", "…", "orientation:guide", order=10)`."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Door:
    title: str
    text: str
    url_name: str
    order: int


_doors = {}


def register_door(title, text, url_name, *, order=100):
    _doors[url_name] = Door(title, text, url_name, order)


def doors():
    """[(title, text, url)] in order."""
    return [
        (door.title, door.text, reverse(door.url_name))
        for door in sorted(_doors.values(), key=lambda door: (door.order, door.title))
    ]
