"""Buttons offered on the person page by the modules above people (« Orienter cette personne »…). A module
registers its action from its AppConfig.ready(); people never imports it. The action's URL takes the person's pk as
its only argument."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class PersonAction:
    label: str
    url_name: str
    visible: object  # predicate (user, person) -> bool


_actions = []


def register(label, url_name, *, visible):
    """Add an action shown to the users for whom `visible(user, person)` is true (once per URL name)."""
    if not any(action.url_name == url_name for action in _actions):
        _actions.append(PersonAction(label, url_name, visible))


def unregister(url_name):
    _actions[:] = [action for action in _actions if action.url_name != url_name]


def actions_for(user, person):
    """[(label, url)] of the actions `user` may take on `person`, in registration order."""
    return [
        (action.label, reverse(action.url_name, args=[person.pk]))
        for action in _actions
        if action.visible(user, person)
    ]
