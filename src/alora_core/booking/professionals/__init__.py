"""Professional profiles: what they offer, where, for how much, and when they can work."""
