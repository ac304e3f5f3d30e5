"""Attendance: participant lists, changes on a participant's behalf, check-in at the door,
exports, print views and badges. Back-office views on the shared `organiser` blueprint
(eventsite.accounts.access); above events, registration, payments and invitations,
whose data it lists.
"""
