"""Ingestion: files on disk (txt, md, docx, doc, pdf, scans and images through OCR; UTF-8/16,
Windows-1258, TCVN3, VNI) -> clean Unicode text."""
from align.ingest.read import MAX_BYTES, SourceText, decode_bytes, read_text

__all__ = ["MAX_BYTES", "SourceText", "decode_bytes", "read_text"]
