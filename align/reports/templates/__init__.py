"""Renderers of the review report that need markup (HTML); kept as code so packaging ships them."""
