"""Request body examples, as JSON: each ``RequestSchema`` points to its own (``example``).

The OpenAPI document shows them, and building it decodes each into its struct, so an example
that no longer fits its body fails the contract tests rather than misleading a client.
"""

from __future__ import annotations

from typing import Any

PROFESSIONAL_ID = "0b7e5c1e-8d1f-4c44-9a5e-3f6c2d1a9b10"
SERVICE_ID = "5d3c9a77-2f4e-4b1a-8c6d-7e9f0a1b2c3d"
USER_ID = "6f1e0c2a-4b7d-4e55-9a3c-0d2b8e7f4a11"
PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a longer passphrase of my own"

BOOKING: dict[str, Any] = {
    "professionalId": PROFESSIONAL_ID,
    "serviceId": SERVICE_ID,
    "start": "2030-01-15T09:00:00Z",
    "durationMinutes": 60,
    "address": "Street 1\n10115 Berlin",
    "notes": "Ring twice.",
}
REASON: dict[str, Any] = {"reason": "Something came up; sorry."}
RESCHEDULE: dict[str, Any] = {"start": "2030-01-16T14:00:00Z"}
PROFILE: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "categories": ["plumbing"],
    "serviceIds": [SERVICE_ID],
    "skills": ["Leak repair", "Boilers"],
    "bio": "Twenty years of plumbing in Berlin.",
    "hourlyRate": {"amount": 4500, "currency": "EUR"},
    "serviceArea": {"cities": ["Berlin"], "postalCodes": ["10115"]},
}
AVAILABILITY: dict[str, Any] = {
    "timezone": "Europe/Berlin",
    "weekly": [
        {
            "day": "monday",
            "slots": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
        },
        {"day": "saturday", "slots": [{"start": "10:00", "end": "14:00"}]},
    ],
    "rules": {"minNoticeMinutes": 120, "horizonDays": 60, "bufferMinutes": 15, "slotMinutes": 60},
}
EXCEPTION: dict[str, Any] = {"date": "2030-12-24", "kind": "off", "note": "Christmas Eve"}
REVIEW: dict[str, Any] = {"rating": 5, "comment": "Quick and tidy work."}
REVIEW_CHANGE: dict[str, Any] = {
    "rating": 4,
    "comment": "Quick work; came back once to fix a drip.",
}
REPLY: dict[str, Any] = {"text": "Thank you, glad it helped!"}
SERVICE: dict[str, Any] = {
    "title": "Deep cleaning",
    "category": "home-cleaning",
    "description": "Kitchen, bathroom and floors, with our own products.",
    "icon": "mdi:broom",
    "color": "#1E88E5",
    "active": True,
}
BULK_SERVICES: dict[str, Any] = {
    "items": [
        {
            "title": "Deep cleaning",
            "category": "home-cleaning",
            "description": "Kitchen, bathroom and floors, with our own products.",
            "icon": "mdi:broom",
            "color": "#1E88E5",
            "active": True,
        },
        {"title": "Leak repair", "category": "plumbing"},
    ]
}
SERVICE_CHANGES: dict[str, Any] = {"version": 2, "active": False}
CREATE_FAQ: dict[str, Any] = {
    "type": "booking",
    "question": "How do I book a professional?",
    "answer": "Pick a free slot and send the request.",
    "order": 1,
    "active": True,
}
UPDATE_FAQ: dict[str, Any] = {
    "answer": "Pick a free slot on the professional's page and send the request.",
    "active": True,
}
FEEDBACK: dict[str, Any] = {
    "rating": 5,
    "subject": "Booking was easy",
    "message": "Found a plumber in a minute.",
    "name": "Ada Lovelace",
    "email": "ada@example.com",
}
FEEDBACK_STATUS: dict[str, Any] = {"status": "reviewed"}
CONTACT: dict[str, Any] = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "subject": "A question about my invoice",
    "message": "The invoice of my last booking shows two hours; it took one.",
    "phone": "+49 30 1234567",
}
HANDLE_CONTACT: dict[str, Any] = {"status": "replied", "note": "Answered by email."}
ABOUT: dict[str, Any] = {
    "title": "About Alora",
    "description": "Book trusted professionals near you.",
    "mission": "Make good work easy to find.",
    "values": ["Trust", "Care"],
    "teamMembers": [{"name": "Ada Lovelace", "role": "Founder"}],
    "contactEmail": "ada@example.com",
    "address": "Street 1\n10115 Berlin",
    "socialLinks": {"linkedin": "https://www.linkedin.com/company/alora"},
}
REPLACE_ABOUT: dict[str, Any] = {
    "title": "About Alora",
    "description": "Book trusted professionals near you.",
    "mission": "Make good work easy to find.",
    "values": ["Trust", "Care"],
    "teamMembers": [{"name": "Ada Lovelace", "role": "Founder"}],
    "contactEmail": "ada@example.com",
    "address": "Street 1\n10115 Berlin",
    "socialLinks": {"linkedin": "https://www.linkedin.com/company/alora"},
    "version": 3,
}
UPDATE_ABOUT: dict[str, Any] = {
    "mission": "Make good work easy to find, and fairly paid.",
    "version": 3,
}
SETTINGS: dict[str, Any] = {
    "emailNotifications": True,
    "pushNotifications": True,
    "smsNotifications": False,
    "marketingEmails": False,
    "bookingReminders": True,
    "reviewNotifications": True,
    "profileVisibility": "public",
    "showEmail": False,
    "showPhone": False,
    "allowDirectMessages": True,
    "showReadReceipts": True,
    "theme": "dark",
    "language": "en",
    "timezone": "Europe/Berlin",
    "quietHoursStart": "22:00",
    "quietHoursEnd": "07:00",
}
REGISTER: dict[str, Any] = {
    "fullName": "Ada Lovelace",
    "username": "ada",
    "email": "ada@example.com",
    "phone": "+14155550123",
    "password": PASSWORD,
    "role": "customer",
}
VERIFY_EMAIL: dict[str, Any] = {"email": "ada@example.com", "code": "123456"}
EMAIL: dict[str, Any] = {"email": "ada@example.com"}
LOGIN: dict[str, Any] = {"identifier": "ada@example.com", "password": PASSWORD}
REFRESH: dict[str, Any] = {"refreshToken": "Yx3kP0q8Vt2mL5nR7sW1aB4cD6eF9gH0jK2lM4nO6pQ"}
RESET_PASSWORD: dict[str, Any] = {
    "email": "ada@example.com",
    "code": "123456",
    "newPassword": NEW_PASSWORD,
}
CHANGE_PASSWORD: dict[str, Any] = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
UPDATE_PROFILE: dict[str, Any] = {
    "fullName": "Ada King",
    "bio": "Mathematician; likes tidy kitchens.",
    "address": {"street": "Street 1", "city": "Berlin", "postalCode": "10115", "country": "DE"},
}
ADMIN_UPDATE_USER: dict[str, Any] = {"role": "professional", "emailVerified": True}
SUSPEND: dict[str, Any] = {"reason": "Repeated no-shows."}
ANNOUNCEMENT: dict[str, Any] = {
    "recipientIds": [USER_ID],
    "type": "info",
    "title": "Maintenance tonight",
    "body": "Alora is unavailable from 02:00 to 02:30 UTC.",
    "link": "https://alora.example/status",
}
DIRECT_CONVERSATION: dict[str, Any] = {"userId": USER_ID}
GROUP_CONVERSATION: dict[str, Any] = {"title": "Garden party", "memberIds": [USER_ID]}
GROUP_TITLE: dict[str, Any] = {"title": "Garden party, Saturday"}
GROUP_MEMBERS: dict[str, Any] = {"userIds": [USER_ID]}
MEMBER_ROLE: dict[str, Any] = {"role": "admin"}
MUTE: dict[str, Any] = {"until": "2030-01-15T09:00:00Z"}
CONNECTION_REQUEST: dict[str, Any] = {
    "userId": USER_ID,
    "message": "Hi! We met at the trade fair; let's keep in touch.",
}
MESSAGE_ID = "3a9d2c41-7b6e-4f15-8d0c-2e5b6a7f8c90"
FILE_ID = "9c4b1e2d-5a6f-4d3e-8b7c-1a2b3c4d5e6f"
SEND_MESSAGE: dict[str, Any] = {
    "clientId": "web-5f1c2d9a-0001",
    "body": "Could we move it to 10:00?\nThanks!",
    "attachmentFileIds": [FILE_ID],
    "replyTo": MESSAGE_ID,
}
EDIT_MESSAGE: dict[str, Any] = {"body": "Could we move it to 10:30?"}
MARK_READ: dict[str, Any] = {"upTo": 42}
REPORT_MESSAGE: dict[str, Any] = {"reason": "spam", "note": "Advertises another site."}
RESOLVE_REPORT: dict[str, Any] = {"action": "delete-message"}
