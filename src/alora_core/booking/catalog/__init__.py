"""The services catalog: what professionals offer, managed by administrators."""
