"""Ingestion: files on disk (txt, md, docx, pdf; UTF-8/16, Windows-1258, TCVN3, VNI) -> clean Unicode text."""
from align.ingest.read import MAX_BYTES, SourceText, decode_bytes, read_text

__all__ = ["MAX_BYTES", "SourceText", "decode_bytes", "read_text"]
