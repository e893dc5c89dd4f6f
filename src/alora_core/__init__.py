"""Alora's framework-free core: domain models, use cases and the ports they need."""
