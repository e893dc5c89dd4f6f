"""Content: FAQ, feedback, contact messages and the about page."""
