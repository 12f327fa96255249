"""Input files a user may hand plan-align by mistake, written fresh into a test's temp dir.

The plan text is ours. It has no capital letters with tone marks, because TCVN3 keeps
those only through a separate capital font (they would come back lower case).
"""
from __future__ import annotations

import os
import zipfile
from pathlib import Path

PLAN_TEXT = """ủy ban nhân dân xã thử nghiệm

kế hoạch chuyển đổi số năm 2026

I. Nhiệm vụ, giải pháp

1. Hạ tầng số
- Đề nghị doanh nghiệp viễn thông lắp thêm trạm phát sóng ở thôn đoài.
- Trang bị máy tính cho bộ phận một cửa của xã.

2. Chính quyền số
- Hướng dẫn người dân nộp hồ sơ trực tuyến trên cổng dịch vụ công.
"""
PLAN_WORDS = ("trạm phát sóng", "bộ phận một cửa", "nộp hồ sơ trực tuyến")
HUGE_BYTES = 200 * 1024 * 1024


def empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def binary(path: Path) -> Path:
    path.write_bytes(bytes(range(256)) * 64)
    return path


def utf16_without_bom(path: Path) -> Path:
    path.write_bytes(PLAN_TEXT.replace("\n", "\r\n").encode("utf-16-le"))
    return path


def tcvn3(path: Path) -> Path:
    from align.ingest.legacy import encode_tcvn3

    path.write_bytes(encode_tcvn3(PLAN_TEXT))
    return path


def vni(path: Path) -> Path:
    from align.ingest.legacy import encode_vni

    path.write_bytes(encode_vni(PLAN_TEXT))
    return path


def junk_docx(path: Path) -> Path:
    """A real zip archive that holds no Word document, only junk."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("junk.bin", os.urandom(2048))
        archive.writestr("word/readme.txt", "không phải văn bản Word")
    return path


def encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="mật khẩu", owner_password="chủ sở hữu")
    writer.write(str(path))
    return path


def image_only_pdf(path: Path) -> Path:
    """One page that paints a 4x4 grey image and holds no text (a scan)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    image = DecodedStreamObject()
    image.set_data(bytes([128]) * 16)
    image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                  NameObject("/Width"): NumberObject(4), NameObject("/Height"): NumberObject(4),
                  NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                  NameObject("/BitsPerComponent"): NumberObject(8)})
    resources = DictionaryObject({NameObject("/Im1"): writer._add_object(image)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): resources})
    content = DecodedStreamObject()
    content.set_data(b"q 200 0 0 200 0 0 cm /Im1 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.write(str(path))
    return path


def stray_bytes(path: Path) -> Path:
    """Valid UTF-8 but for a stray 0xFF (line 3) and a lone 0xA0 (line 11), as a damaged copy has."""
    data = PLAN_TEXT.replace("ủy ban nhân dân xã", "UBND xã").encode("utf-8")   # an issuer: no other warning
    data = data.replace(b"2026", b"2026 \xff", 1).replace(b"2. Ch", b"2.\xa0Ch", 1)
    path.write_bytes(data)
    return path


def garbled(path: Path) -> Path:
    """The plan with every UTF-8 continuation byte overwritten: mostly invalid text."""
    path.write_bytes(bytes(b if b < 0x80 or b >= 0xC0 else 0xFF for b in PLAN_TEXT.encode("utf-8")))
    return path


def huge(path: Path, size: int = HUGE_BYTES) -> Path:
    """A sparse file of `size` bytes: instant to create, takes no disk space."""
    with open(path, "wb") as handle:
        handle.write("- Nhiệm vụ rất dài\n".encode("utf-8"))
        handle.truncate(size)
    return path


# name -> (file name, builder, words the error must contain)
REFUSED = {
    "empty": ("empty.txt", empty, ("empty.txt", "empty")),
    "binary": ("binary.txt", binary, ("binary.txt", "binary")),
    "junk-docx": ("junk.docx", junk_docx, ("junk.docx", "docx")),
    "encrypted-pdf": ("locked.pdf", encrypted_pdf, ("locked.pdf", "encrypted")),
    "image-only-pdf": ("scan.pdf", image_only_pdf, ("scan.pdf", "no text")),
    "huge": ("huge.txt", huge, ("huge.txt", "too large")),
    "garbled": ("garbled.txt", garbled, ("garbled.txt", "not valid", "invalid UTF-8 bytes")),
}
CONVERTED = {
    "utf16-no-bom": ("utf16.txt", utf16_without_bom),
    "tcvn3": ("tcvn3.txt", tcvn3),
    "vni": ("vni.txt", vni),
}
