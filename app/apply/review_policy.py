"""The review policy in force (this app's policy parameters) and an application's track."""

from __future__ import annotations

from flask import current_app

from app.apply.models import Application
from app.apply.workflow import ReviewPolicy, Track, programme_for


def review_policy() -> ReviewPolicy:
    return ReviewPolicy.from_config(current_app.config)


def track_of(application: Application) -> Track:
    """Fixed when the application was accepted; before that, what the policy in force says."""
    return review_policy().track(
        programme_for(application.category), application.status, application.review_track
    )
