"""The face step on the phone: uploads checked by content, results recorded, photos not
kept, lockout after repeated failures, and the provider chosen by configuration."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from app.core.clock import utcnow
from app.extensions import db
from app.handoff.face import DemoFaceProvider, FaceProviderRefused, LocalFaceProvider
from app.handoff.models import FaceVerification, HandoffToken
from app.handoff.purposes import DEMO_IDENTITY, RENEWAL_SIGN
from app.handoff.services import passed_verification, purge_expired_images
from app.storage import storage
from tests.conftest import page_text, post
from tests.handoff import samples
from tests.handoff.flow import renew_code, scan_and_confirm, show_code, upload


@pytest.fixture
def granted(desktop, phone):
    """A phone holding a grant for the demo task; returns its token id."""
    shown = show_code(desktop)
    assert scan_and_confirm(phone, shown).status_code == 303
    return shown.token_id


def verifications(user_id: int) -> list[FaceVerification]:
    return list(
        db.session.scalars(
            select(FaceVerification)
            .where(FaceVerification.user_id == user_id)
            .order_by(FaceVerification.id)
        )
    )


def test_face_page_explains_and_offers_the_staff_alternative(phone, granted) -> None:
    text = page_text(phone.get(f"/handoff/{granted}/face"))
    assert "人脸识别须知" in text and "核验后立即删除" in text
    assert "人工核验" in text and "0792-8136274" in text
    assert '<label class="label" for="photo">本人正面照片</label>' in text
    assert 'enctype="multipart/form-data"' in text
    assert 'hx-indicator="#face-verifying"' in text and 'class="handoff-verifying"' in text


def test_a_face_photo_passes_is_recorded_and_not_kept(desktop, phone, granted, resident) -> None:
    image = samples.face_jpeg()
    response = upload(phone, granted, image)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/handoff/{granted}/done"
    done = page_text(phone.get(response.headers["Location"]))
    assert "人脸识别已通过" in done and "请回到电脑上" in done and "张*明" in done

    [row] = verifications(resident.id)
    assert row.passed and row.provider == "local" and row.score and row.score >= 3
    assert row.provider_reference.startswith("local-")
    assert (row.purpose, row.object_id, row.handoff_token_id) == (
        DEMO_IDENTITY,
        resident.id,
        granted,
    )
    assert row.image_sha256 == hashlib.sha256(image).hexdigest()
    assert row.image_key is None and row.image_deleted and row.image_deleted_at is not None
    assert db.session.get(HandoffToken, granted).status == "completed"

    assert passed_verification(resident.id, DEMO_IDENTITY, resident.id) == row
    assert passed_verification(resident.id, DEMO_IDENTITY, resident.id + 1) is None
    assert passed_verification(resident.id, RENEWAL_SIGN, resident.id) is None
    assert passed_verification(resident.id + 1, DEMO_IDENTITY, resident.id) is None
    # The grant cannot be used for a second verification once the task is done.
    assert upload(phone, granted, image).status_code == 404


def test_photo_without_a_face_fails_with_a_reason_and_allows_a_retry(phone, granted, resident):
    failed = upload(phone, granted, samples.gradient_png(), "landscape.png")
    assert failed.status_code == 200
    text = page_text(failed)
    assert "未检测到人脸" in text and 'aria-invalid="true"' in text and "还可以尝试 4 次" in text
    [row] = verifications(resident.id)
    assert not row.passed and "未检测到人脸" in row.reason and row.image_deleted
    assert passed_verification(resident.id, DEMO_IDENTITY, resident.id) is None
    assert upload(phone, granted, samples.face_jpeg()).status_code == 303


def test_several_faces_are_refused(phone, granted) -> None:
    assert "检测到 2 张人脸" in page_text(upload(phone, granted, samples.two_faces_jpeg()))


def test_truncated_photo_is_refused(phone, granted, resident) -> None:
    text = page_text(upload(phone, granted, samples.truncated_jpeg()))
    assert "照片无法读取" in text
    assert [row.passed for row in verifications(resident.id)] == [False]


def test_a_program_renamed_to_jpg_is_refused_before_any_check(phone, granted, resident) -> None:
    text = page_text(upload(phone, granted, samples.exe_renamed(), "face.jpg"))
    assert "这不是照片文件" in text
    assert verifications(resident.id) == []


def test_missing_and_oversized_photos_are_refused(app, phone, granted, resident) -> None:
    assert "请先拍摄一张本人正面照片" in page_text(post(phone, f"/handoff/{granted}/face"))
    # (Kept under 500 KB: larger test uploads make Werkzeug's test client leak a temp file.)
    app.config["FACE_MAX_UPLOAD_BYTES"] = 300 * 1024
    big = samples.encode(samples.astronaut(), "PNG")
    assert 300 * 1024 < len(big) < 500 * 1024
    assert "照片超过 300KB" in page_text(upload(phone, granted, big, "big.png"))
    assert verifications(resident.id) == []


def test_five_failures_in_ten_minutes_lock_the_step_for_ten_minutes(
    app, desktop, phone, granted, resident
) -> None:
    for attempt in range(5):
        response = upload(phone, granted, samples.coffee_jpeg())
        assert "未检测到人脸" in page_text(response), attempt
    locked = page_text(phone.get(f"/handoff/{granted}/face"))
    assert "人脸识别已暂停" in locked and "人工核验" in locked and 'id="face-form"' not in locked
    # Even a good photo is not looked at while locked, from any phone or task.
    assert "人脸识别已暂停" in page_text(upload(phone, granted, samples.face_jpeg()))
    assert len(verifications(resident.id)) == 5
    other_phone = app.test_client()
    scan_and_confirm(other_phone, renew_code(desktop, granted))
    new_token = db.session.scalar(select(HandoffToken.id).order_by(HandoffToken.id.desc()))
    assert "人脸识别已暂停" in page_text(upload(other_phone, new_token, samples.face_jpeg()))

    # Nine minutes later: still locked. Ten minutes after the fifth failure: open again.
    for row in verifications(resident.id):
        row.created_at -= timedelta(minutes=9)
    db.session.commit()
    assert "人脸识别已暂停" in page_text(upload(other_phone, new_token, samples.face_jpeg()))
    for row in verifications(resident.id):
        row.created_at -= timedelta(minutes=1, seconds=1)
    db.session.commit()
    assert upload(other_phone, new_token, samples.face_jpeg()).status_code == 303
    assert len(verifications(resident.id)) == 6


def test_lock_events_are_audited(phone, granted, resident) -> None:
    from app.audit.models import AuditEvent

    for _ in range(5):
        upload(phone, granted, samples.gradient_png())
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_id == resident.id)
    ).all()
    assert actions.count("face.failed") == 5 and actions.count("face.locked") == 1


def test_with_a_retention_period_the_photo_is_kept_then_purged(app, phone, granted, resident):
    app.config["FACE_IMAGE_RETENTION_SECONDS"] = 3600
    image = samples.face_jpeg()
    assert upload(phone, granted, image).status_code == 303
    [row] = verifications(resident.id)
    assert row.image_key and not row.image_deleted
    assert row.image_delete_after - row.created_at == timedelta(hours=1)
    with storage().open(row.image_key) as kept:
        assert kept.read() == image
    assert purge_expired_images() == 0
    row.image_delete_after = utcnow() - timedelta(seconds=1)
    db.session.commit()
    key = row.image_key
    assert purge_expired_images() == 1
    assert row.image_key is None and row.image_deleted
    with pytest.raises(FileNotFoundError):
        storage().open(key)
    assert row.image_sha256 == hashlib.sha256(image).hexdigest()


def test_purge_command_deletes_photos_past_their_retention(app, phone, granted, resident):
    app.config["FACE_IMAGE_RETENTION_SECONDS"] = 60
    upload(phone, granted, samples.face_jpeg())
    [row] = verifications(resident.id)
    row.image_delete_after = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["handoff", "purge-face-images"])
    assert result.exit_code == 0 and "deleted 1 face photo(s)" in result.output
    db.session.expire_all()
    assert verifications(resident.id)[0].image_deleted


def test_demo_provider_must_be_switched_on_and_never_in_production(monkeypatch, tmp_path) -> None:
    base = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "UPLOAD_ROOT": str(tmp_path)}
    default = create_app(base)
    assert isinstance(default.extensions["face_provider"], LocalFaceProvider)
    demo = create_app({**base, "FACE_PROVIDER": "demo"})
    assert isinstance(demo.extensions["face_provider"], DemoFaceProvider)
    with pytest.raises(FaceProviderRefused):
        create_app(
            {
                **base,
                "FACE_PROVIDER": "demo",
                "ENV_NAME": "production",
                "RATELIMIT_ALLOW_MEMORY": True,
            }
        )
    # The real production settings, with the provider asked for through the environment.
    monkeypatch.setenv("SECRET_KEY", "production-test-key")
    monkeypatch.setenv("RATELIMIT_ALLOW_MEMORY", "1")
    monkeypatch.setenv("FACE_PROVIDER", "demo")
    with pytest.raises(FaceProviderRefused, match="refused in production"):
        create_app("production")
    monkeypatch.setenv("FACE_PROVIDER", "local")
    production = create_app("production")
    assert isinstance(production.extensions["face_provider"], LocalFaceProvider)
    for made in (default, demo, production):
        with made.app_context():
            db.engine.dispose()


def test_demo_provider_passes_a_photo_without_a_face(app, phone, granted, resident) -> None:
    app.extensions["face_provider"] = DemoFaceProvider()
    assert upload(phone, granted, samples.gradient_png()).status_code == 303
    [row] = verifications(resident.id)
    assert row.passed and row.provider == "demo" and "演示模式" in row.reason


def test_a_72_megapixel_photo_is_refused_before_any_check(phone, granted, resident) -> None:
    from tests.hostile_images import huge_png

    response = upload(phone, granted, huge_png(), "huge.png")
    assert response.status_code == 200 and "照片尺寸过大" in page_text(response)
    assert all(not v.passed for v in verifications(resident.id))
