"""Samspill's matcher: profiles, embeddings, hybrid ranking, pairings, consortia, reasons.

Importing this package does not import torch or sentence-transformers; the
model is built on first use (see :mod:`matching.embedder`).
"""
