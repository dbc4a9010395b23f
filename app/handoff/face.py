"""Face verification providers, chosen by the ``FACE_PROVIDER`` setting.

A real deployment plugs in a licensed real-name face service (公安部 eID or similar)
that compares the photo with the ID photo; none is reachable from here. The default
``LocalFaceProvider`` does what can be done on this machine, for real: the upload must
decode as a photo, look recently taken, be bright and large enough, and contain exactly
one frontal face found by OpenCV's bundled Haar cascade. It does NOT prove the face is
the account holder's; the result says so. ``DemoFaceProvider`` accepts any decodable
photo, for demos without a face at hand; it must be switched on explicitly and is
refused in production.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import cv2
import cv2.data  # the bundled cascades (a module cv2's stubs leave out)
import numpy as np
from PIL import Image

from app.core.clock import utcnow
from app.handoff.photos import Photo, UnreadablePhoto, decode_photo

CASCADE_FILE = "haarcascade_frontalface_default.xml"
# One request, one core: OpenCV's own thread pool would fight the server's workers.
cv2.setNumThreads(1)


@dataclass(frozen=True)
class FaceResult:
    passed: bool
    score: float | None  # provider's confidence; the local one reports the detector's
    reason: str  # Chinese, shown to the resident
    provider_reference: str


class FaceProvider(Protocol):
    name: str

    def verify(self, user_id: int, image_bytes: bytes) -> FaceResult: ...


class FaceProviderRefused(RuntimeError):
    """The configuration asks for a provider that may not run here."""


@dataclass(frozen=True)
class LocalChecks:
    min_side_px: int = 240  # shorter side of the photo
    max_side_px: int = 1280  # larger photos are scaled down before detection
    min_brightness: float = 50.0  # mean grey level, 0-255
    max_brightness: float = 225.0
    min_face_fraction: float = 0.15  # face width / shorter side: smaller is "too far away"
    min_confidence: float = 3.0  # Haar level weight; false positives score about 0.5-2.5
    max_photo_age: timedelta = timedelta(hours=1)  # by EXIF, when the photo carries it


class LocalFaceProvider:
    """Exactly one clear frontal face in a photo taken now, checked locally (no network)."""

    name = "local"

    def __init__(
        self, checks: LocalChecks | None = None, now: Callable[[], datetime] = utcnow
    ) -> None:
        self.checks = checks or LocalChecks()
        self._now = now

    def verify(self, user_id: int, image_bytes: bytes) -> FaceResult:
        reference = f"local-{secrets.token_hex(8)}"
        try:
            photo = decode_photo(image_bytes)
        except UnreadablePhoto as error:
            return FaceResult(False, None, str(error), reference)
        problem = self._photo_problem(photo)
        if problem:
            return FaceResult(False, None, problem, reference)
        grey = _grey(photo.image, self.checks.max_side_px)
        brightness = float(grey.mean())
        if brightness < self.checks.min_brightness:
            return FaceResult(False, None, "照片太暗，请到光线充足的地方重新拍摄", reference)
        if brightness > self.checks.max_brightness:
            return FaceResult(False, None, "照片太亮（曝光过度），请避开强光重新拍摄", reference)
        faces = _detect_faces(grey, self.checks)
        if not faces:
            reason = "未检测到人脸，请正对镜头、靠近一些，摘下口罩和帽子后重新拍摄"
            return FaceResult(False, 0.0, reason, reference)
        if len(faces) > 1:
            reason = f"检测到 {len(faces)} 张人脸，请确保画面中只有您本人"
            return FaceResult(False, None, reason, reference)
        confidence = round(faces[0].confidence, 3)
        return FaceResult(True, confidence, "检测到一张清晰的人脸", reference)

    def _photo_problem(self, photo: Photo) -> str | None:
        if min(photo.image.size) < self.checks.min_side_px:
            return "照片太小（分辨率过低），请用手机前置摄像头重新拍摄"
        if photo.taken_at is not None:
            age = self._now() - photo.taken_at
            if age > self.checks.max_photo_age or age < -timedelta(days=1):
                return "请现场拍摄：这张照片不是刚刚拍的，请点击“拍摄照片”重新拍一张"
        return None


class DemoFaceProvider:
    """Passes any decodable photo. For demos and tests only; refused in production."""

    name = "demo"

    def verify(self, user_id: int, image_bytes: bytes) -> FaceResult:
        reference = f"demo-{secrets.token_hex(8)}"
        try:
            decode_photo(image_bytes)
        except UnreadablePhoto as error:
            return FaceResult(False, None, str(error), reference)
        return FaceResult(True, 1.0, "演示模式：未做真实人脸识别，照片可读即通过", reference)


def make_provider(name: str, *, env_name: str) -> FaceProvider:
    """The provider named by ``FACE_PROVIDER``; the demo one never in production."""
    if name == "local":
        return LocalFaceProvider()
    if name == "demo":
        if env_name == "production":
            raise FaceProviderRefused(
                'FACE_PROVIDER="demo" passes any photo and is refused in production'
            )
        return DemoFaceProvider()
    raise FaceProviderRefused(f"unknown FACE_PROVIDER {name!r}; use 'local' or 'demo'")


@dataclass(frozen=True)
class DetectedFace:
    x: int
    y: int
    width: int
    height: int
    confidence: float


def _grey(image: Image.Image, max_side: int) -> np.ndarray:
    scaled = image.copy()
    scaled.thumbnail((max_side, max_side))
    return np.asarray(scaled.convert("L"))


_local = threading.local()


def _cascade() -> cv2.CascadeClassifier:
    """One classifier per thread: OpenCV does not promise that sharing one is safe."""
    cascade = getattr(_local, "cascade", None)
    if cascade is None:
        cascade = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE_FILE)
        if cascade.empty():
            raise RuntimeError(f"OpenCV's bundled {CASCADE_FILE} could not be loaded")
        _local.cascade = cascade
    return cascade


def _detect_faces(grey: np.ndarray, checks: LocalChecks) -> list[DetectedFace]:
    """Confident frontal faces at least ``min_face_fraction`` of the shorter side wide."""
    side = max(24, int(min(grey.shape[:2]) * checks.min_face_fraction))
    boxes, _levels, weights = _cascade().detectMultiScale3(
        cv2.equalizeHist(grey),
        scaleFactor=1.1,
        minNeighbors=5,
        minSize=(side, side),
        outputRejectLevels=True,
    )
    return [
        DetectedFace(int(x), int(y), int(w), int(h), float(weight))
        for (x, y, w, h), weight in zip(boxes, weights, strict=True)
        if float(weight) >= checks.min_confidence
    ]
