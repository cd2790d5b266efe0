import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from parvis.lib.uploads import check_upload


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (20, 20), "#336699")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_a_pdf_is_accepted_with_its_hash_and_a_safe_name():
    upload = SimpleUploadedFile("../../mon justificatif.pdf", b"%PDF-1.7\n1 0 obj\n", content_type="application/pdf")
    checked = check_upload(upload)
    assert checked.content_type == "application/pdf"
    assert checked.name == "mon_justificatif.pdf"
    assert len(checked.sha256) == 64


def test_the_type_comes_from_the_content_not_the_name():
    upload = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)></svg>", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="Formats acceptés"):
        check_upload(upload)


def test_images_are_reencoded_without_their_metadata():
    checked = check_upload(SimpleUploadedFile("p.jpg", _jpeg_with_exif(), content_type="image/jpeg"))
    reread = Image.open(io.BytesIO(checked.content.read()))
    assert not reread.getexif()


def test_files_too_large_or_empty_are_refused_in_french():
    with pytest.raises(ValidationError, match="taille maximale de 1 Mo"):
        check_upload(SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1)), max_bytes=1024 * 1024)
    with pytest.raises(ValidationError, match="vide"):
        check_upload(SimpleUploadedFile("a.pdf", b""))


def test_a_broken_image_is_refused():
    with pytest.raises(ValidationError, match="illisible"):
        check_upload(SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"garbage"))
