"""The review policy in force (this app's policy parameters) and an application's track."""

from __future__ import annotations

from flask import current_app

from app.apply.models import Application
from app.apply.workflow import Programme, ReviewPolicy, Track, programme_for


def review_policy() -> ReviewPolicy:
    return ReviewPolicy.from_config(current_app.config)


def track_of(application: Application) -> Track:
    return review_policy().track(programme_for(application.category), application.status)


def track_for_programme(programme: str) -> Track:
    """For a publicity row, which keeps its programme."""
    return review_policy().track(Programme(programme))
