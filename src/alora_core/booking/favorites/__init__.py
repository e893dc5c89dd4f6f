"""Favorites: the professionals a user keeps."""
