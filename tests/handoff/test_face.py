"""Face providers on real images: a face photo passes, photos without exactly one clear
face, unreadable files and non-images fail with a Chinese reason."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core.clock import utcnow
from app.handoff import photos
from app.handoff.face import (
    DemoFaceProvider,
    FaceProviderRefused,
    LocalFaceProvider,
    make_provider,
)
from tests.handoff import samples


@pytest.fixture(scope="module")
def provider() -> LocalFaceProvider:
    return LocalFaceProvider()


@pytest.mark.parametrize(
    "make",
    [samples.face_jpeg, samples.face_heic, samples.face_webp],
    ids=["jpeg", "heic", "webp"],
)
def test_local_provider_accepts_a_real_face_photo(provider, make) -> None:
    result = provider.verify(1, make())
    assert result.passed, result.reason
    assert result.score is not None and result.score >= 3.0
    assert result.reason == "检测到一张清晰的人脸"
    assert result.provider_reference.startswith("local-")


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (samples.gradient_png, "未检测到人脸"),
        (samples.coffee_jpeg, "未检测到人脸"),
        (samples.cat_jpeg, "未检测到人脸"),
        (samples.face_far_away_jpeg, "未检测到人脸"),
        (samples.two_faces_jpeg, "检测到 2 张人脸"),
        (samples.dark_face_jpeg, "照片太暗"),
        (samples.tiny_face_jpeg, "照片太小"),
        (samples.truncated_jpeg, "照片无法读取"),
        (samples.exe_renamed, "这不是照片文件"),
        (lambda: b"", "这不是照片文件"),
    ],
    ids=[
        "gradient-landscape",
        "coffee",
        "cat",
        "face-too-far",
        "two-faces",
        "too-dark",
        "too-small",
        "truncated",
        "exe",
        "empty",
    ],
)
def test_local_provider_rejects_with_a_chinese_reason(provider, make, reason) -> None:
    result = provider.verify(1, make())
    assert not result.passed
    assert reason in result.reason


def test_photo_taken_long_ago_is_refused_and_a_fresh_one_passes(provider) -> None:
    old = provider.verify(1, samples.face_taken_at(utcnow() - timedelta(days=2)))
    assert not old.passed and "请现场拍摄" in old.reason
    fresh = provider.verify(1, samples.face_taken_at(utcnow() - timedelta(minutes=1)))
    assert fresh.passed, fresh.reason


def test_references_are_unique(provider) -> None:
    image = samples.face_jpeg()
    assert (
        provider.verify(1, image).provider_reference != provider.verify(1, image).provider_reference
    )


def test_demo_provider_passes_any_readable_photo_but_not_garbage() -> None:
    demo = DemoFaceProvider()
    assert demo.verify(1, samples.gradient_png()).passed
    assert not demo.verify(1, samples.exe_renamed()).passed
    assert not demo.verify(1, samples.truncated_jpeg()).passed


def test_provider_is_chosen_by_name_and_demo_refused_in_production() -> None:
    assert isinstance(make_provider("local", env_name="production"), LocalFaceProvider)
    assert isinstance(make_provider("demo", env_name="testing"), DemoFaceProvider)
    with pytest.raises(FaceProviderRefused, match="refused in production"):
        make_provider("demo", env_name="production")
    with pytest.raises(FaceProviderRefused, match="unknown"):
        make_provider("anything", env_name="testing")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", "heic"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", None),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 o", None),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x00", None),
        (b"", None),
    ],
)
def test_photos_are_recognised_by_content(head, kind) -> None:
    assert photos.sniff_image_type(head) == kind
