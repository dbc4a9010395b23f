"""The renewal policy rule lives in ``application.start_renewal`` alone: called without a
request it refuses what the page refuses, in the words the page shows."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from app.renewal import application
from app.renewal.models import Renewal, RenewalPolicy
from tests.conftest import page_text, post
from tests.renewal.test_apply import count


def test_the_new_policy_without_a_passed_check_is_refused_by_the_service(tenant, lease) -> None:
    with pytest.raises(application.IncomeCheckNeeded) as refused:
        application.start_renewal(tenant, lease, RenewalPolicy.NEW)
    assert "收入财产核对" in refused.value.message
    assert count(Renewal) == 0


def test_the_old_policy_on_a_new_policy_lease_is_refused_by_the_service(
    app: Flask, tenant, lease
) -> None:
    app.config["RENEWAL_NEW_POLICY_SINCE"] = date(2000, 1, 1)
    with pytest.raises(application.PolicyNotOpen):
        application.start_renewal(tenant, lease, RenewalPolicy.OLD)
    assert count(Renewal) == 0


@pytest.mark.parametrize(
    ("policy", "refusal"),
    [("old", application.PolicyNotOpen), ("bogus", application.PolicyNotOpen)],
)
def test_the_page_shows_the_services_words(app: Flask, client, policy, refusal) -> None:
    app.config["RENEWAL_NEW_POLICY_SINCE"] = date(2000, 1, 1)
    response = post(client, "/renewal/policy", {"policy": policy})
    assert response.status_code == 200
    assert refusal().message in page_text(response)
    assert count(Renewal) == 0


def test_the_page_sends_a_tenant_without_a_check_where_the_service_says(client) -> None:
    response = post(client, "/renewal/policy", {"policy": "new"}, follow_redirects=True)
    assert application.IncomeCheckNeeded().message in page_text(response)
    assert count(Renewal) == 0
