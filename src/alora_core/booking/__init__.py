"""Service booking: customers find professionals, book a time, and review the work.

The context is large, so each part is a package keeping the usual module names (``model``,
``commands``, ``events``, ``use_cases``, ``ports``, ``errors``):

- ``catalog``: the services professionals offer (admin-managed);
- ``professionals``: profiles, weekly availability, date exceptions, booking rules and the
  slots they leave open (``professionals.availability``);
- ``bookings``: the booking aggregate, its status machine and the no-overlap rule;
- ``reviews`` and ``favorites``: what customers say about and keep of professionals;
- ``search``: full-text search over professionals and services.

The parts may import each other; nothing outside ``booking`` imports them except the
entry points and adapters.
"""
