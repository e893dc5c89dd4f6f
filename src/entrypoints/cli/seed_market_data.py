"""What the demo marketplace holds: its services, its professionals' offers and hours, and the
visits booked with them (those of the past, the one under way and those still ahead).

Pure data; ``seed_market`` makes it through the message bus.
"""

from __future__ import annotations

from datetime import timedelta

from attrs import frozen

from alora_core.booking.catalog import commands as cc

SERVICES = (
    cc.NewService(
        title="Plumbing",
        category="plumbing",
        description="Leaks, blocked drains, taps, toilets and water heaters.",
        icon="wrench",
        color="#1E88E5",
    ),
    cc.NewService(
        title="Electrical work",
        category="electrical",
        description="Sockets, switches, lighting, fuse boxes and safety checks.",
        icon="bolt",
        color="#FDD835",
    ),
    cc.NewService(
        title="House cleaning",
        category="cleaning",
        description="Regular or deep cleaning of flats and houses, windows included.",
        icon="broom",
        color="#26A69A",
    ),
    cc.NewService(
        title="Carpentry",
        category="carpentry",
        description="Furniture assembly and repair, shelves, doors and floors.",
        icon="hammer",
        color="#8D6E63",
    ),
    cc.NewService(
        title="Painting",
        category="painting",
        description="Walls, ceilings, doors and small exterior jobs.",
        icon="paint-roller",
        color="#EC407A",
    ),
    cc.NewService(
        title="Emergency locksmith",
        category="locksmith",
        description="Locked out, broken keys and lock changes, day and night.",
        icon="key",
        color="#546E7A",
    ),
    cc.NewService(
        title="Gardening",
        category="gardening",
        description="Lawn mowing, hedge trimming, planting and seasonal clean-ups.",
        icon="leaf",
        color="#43A047",
    ),
)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
EVERY_DAY = (*WEEKDAYS, "saturday", "sunday")


@frozen(kw_only=True)
class Pro:
    """A demo professional's offer and hours."""

    username: str
    timezone: str
    services: tuple[str, ...]
    skills: tuple[str, ...]
    bio: str
    rate_cents: int
    cities: tuple[str, ...]
    postal_codes: tuple[str, ...]
    days: tuple[str, ...]
    hours: tuple[tuple[str, str], ...]
    buffer_minutes: int = 0
    min_notice_minutes: int = 120
    slot_minutes: int = 60


PROS = (
    Pro(
        username="dan",
        timezone="Europe/Berlin",
        services=("Plumbing",),
        skills=("Leak repair", "Drain cleaning", "Boiler service"),
        bio="Licensed plumber with 15 years in Berlin flats and old buildings.",
        rate_cents=6500,
        cities=("Berlin",),
        postal_codes=("10115", "10117", "10119", "10435"),
        days=WEEKDAYS,
        hours=(("08:00", "12:00"), ("13:00", "17:00")),
        buffer_minutes=30,
    ),
    Pro(
        username="finn",
        timezone="Europe/Berlin",
        services=("Painting", "Carpentry"),
        skills=("Interior painting", "Wallpaper", "Furniture repair"),
        bio="Painter and carpenter: clean edges, careful with your furniture.",
        rate_cents=5500,
        cities=("Berlin", "Potsdam"),
        postal_codes=("10997", "10999", "14467"),
        days=("tuesday", "wednesday", "thursday", "friday", "saturday"),
        hours=(("09:00", "18:00"),),
    ),
    Pro(
        username="eva",
        timezone="America/New_York",
        services=("Electrical work",),
        skills=("Lighting", "Panel upgrades", "EV chargers"),
        bio="Master electrician serving Manhattan and Brooklyn since 2012.",
        rate_cents=8500,
        cities=("New York", "Brooklyn"),
        postal_codes=("10001", "10011", "11201"),
        days=(*WEEKDAYS, "saturday"),
        hours=(("09:00", "17:00"),),
        buffer_minutes=15,
    ),
    Pro(
        username="gia",
        timezone="America/New_York",
        services=("Gardening", "House cleaning"),
        skills=("Garden design", "Hedge trimming", "Deep cleaning"),
        bio="Gardens and homes kept in shape, with eco-friendly products.",
        rate_cents=4500,
        cities=("Brooklyn", "Queens"),
        postal_codes=("11201", "11215", "11375"),
        days=("monday", "wednesday", "friday", "saturday"),
        hours=(("08:00", "16:00"),),
    ),
    Pro(
        username="lou",
        timezone="Europe/Berlin",
        services=("Emergency locksmith",),
        skills=("Door opening", "Lock replacement", "Key cutting"),
        bio="Locked out at 3 a.m.? I come, day and night, all over Berlin.",
        rate_cents=9000,
        cities=("Berlin", "Potsdam"),
        postal_codes=("10115", "10117", "10119", "10435", "14467"),
        days=EVERY_DAY,
        hours=(("00:00", "24:00"),),
        min_notice_minutes=0,
        slot_minutes=30,
    ),
)

ADDRESSES = {
    "Europe/Berlin": "Torstraße 12, 10119 Berlin",
    "America/New_York": "250 Court St, Apt 3B, Brooklyn, NY 11201",
}


@frozen(kw_only=True)
class Visit:
    """A booking to make: who books whom for what, when (the first open slot ``days`` days
    ahead, or the ``slot``-th one), and what happens to it."""

    customer: str
    pro: str
    service: str
    minutes: int
    days: int
    notes: str
    slot: int = 0
    steps: tuple[str, ...] = ()
    """What happens to the request: ``confirm``, ``reject`` or ``cancel``, in order. The
    visits of the past are also completed and reviewed."""
    reason: str = ""
    rating: int = 0
    review: str = ""
    reply: str = ""


PAST = (
    Visit(customer="ada", pro="dan", service="Plumbing", minutes=60, days=1, slot=2,
          notes="The kitchen tap drips all night.", steps=("confirm",),
          rating=5, review="On time, fixed it in half an hour and left everything clean.",
          reply="Thank you, Ada! Call me whenever something leaks."),
    Visit(customer="ben", pro="dan", service="Plumbing", minutes=90, days=3,
          notes="Slow shower drain.", steps=("confirm",),
          rating=4, review="Drain works again. A little late, but he called ahead."),
    Visit(customer="cleo", pro="finn", service="Painting", minutes=180, days=2,
          notes="Living room, about 20 m², white.", steps=("confirm",),
          rating=5, review="Perfect edges and no mess. Highly recommended."),
    Visit(customer="ben", pro="eva", service="Electrical work", minutes=120, days=1, slot=1,
          notes="Two ceiling lights and a dimmer.", steps=("confirm",),
          rating=4, review="Knows her craft; explained everything she did."),
    Visit(customer="ada", pro="gia", service="House cleaning", minutes=120, days=2,
          notes="Spring cleaning, windows included.", steps=("confirm",),
          rating=5, review="The flat has never been this clean."),
    Visit(customer="ben", pro="lou", service="Emergency locksmith", minutes=60, days=4,
          notes="Locked out, key inside.", steps=("confirm",),
          rating=5, review="There in twenty minutes, door open without a scratch."),
)  # fmt: skip

UNDER_WAY = (
    Visit(customer="ada", pro="lou", service="Emergency locksmith", minutes=60, days=0,
          notes="The front door lock is jammed.", steps=("confirm",)),
)  # fmt: skip
"""Confirmed bookings that started shortly before the seed ran: the professional can complete
them now (or the completion job does, ``ALORA_BOOKING_COMPLETION_GRACE_MINUTES`` after their
end), and the customer can then review them."""
UNDER_WAY_SINCE = timedelta(minutes=90)
"""How long before the real time the bookings under way are requested (their starts follow
within the professional's slot length)."""

AHEAD = (
    Visit(customer="cleo", pro="dan", service="Plumbing", minutes=60, days=2, slot=1,
          notes="New washing machine to connect."),
    Visit(customer="ben", pro="gia", service="Gardening", minutes=120, days=3,
          notes="Hedge and lawn, small backyard."),
    Visit(customer="ada", pro="finn", service="Carpentry", minutes=90, days=5, slot=2,
          notes="A wardrobe door hangs loose."),
    Visit(customer="ada", pro="eva", service="Electrical work", minutes=60, days=2, slot=3,
          notes="Outdoor socket on the balcony.", steps=("confirm",)),
    Visit(customer="cleo", pro="gia", service="House cleaning", minutes=180, days=6,
          notes="Moving out: final cleaning.", steps=("confirm",)),
    Visit(customer="ben", pro="finn", service="Painting", minutes=240, days=4,
          notes="Hallway and two doors.", steps=("reject",),
          reason="I am on a large job that week, sorry. Please try the week after."),
    Visit(customer="ada", pro="dan", service="Plumbing", minutes=60, days=8,
          notes="Toilet keeps running.", steps=("cancel",),
          reason="A neighbour fixed it, thank you anyway."),
    Visit(customer="cleo", pro="eva", service="Electrical work", minutes=90, days=9,
          notes="Kitchen lights flicker.", steps=("confirm", "cancel"),
          reason="The landlord sends his own electrician."),
)  # fmt: skip
