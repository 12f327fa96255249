"""Lexical, dense and hybrid scoring of commune tasks against reference clauses."""
